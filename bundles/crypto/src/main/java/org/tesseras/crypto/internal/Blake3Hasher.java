package org.tesseras.crypto.internal;

import java.nio.ByteBuffer;

import org.apache.commons.codec.digest.Blake3;
import org.osgi.service.component.annotations.Component;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Hasher;

/** BLAKE3 from commons-codec (the fastest pure-Java candidate measured, see the README). */
@Component(service = Hasher.class)
public final class Blake3Hasher implements Hasher {
    private static final int COPY_CHUNK = 16 * 1024;

    @Override
    public IncrementalHash newHash() {
        return new Incremental(Blake3.initHash());
    }

    @Override
    public IncrementalHash newKeyedHash(byte[] key) {
        if (key == null || key.length != ContentHash.LENGTH) {
            throw new IllegalArgumentException("a BLAKE3 key must be " + ContentHash.LENGTH + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
        return new Incremental(Blake3.initKeyedHash(key));
    }

    private static final class Incremental implements IncrementalHash {
        private final Blake3 state;
        private byte[] copyBuffer;
        private boolean finished;

        Incremental(Blake3 state) {
            this.state = state;
        }

        @Override
        public IncrementalHash update(byte[] data, int offset, int length) {
            checkOpen();
            state.update(data, offset, length);
            return this;
        }

        @Override
        public IncrementalHash update(ByteBuffer data) {
            checkOpen();
            if (data.hasArray()) {
                state.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
                data.position(data.limit());
                return this;
            }
            if (copyBuffer == null) {
                copyBuffer = new byte[Math.min(COPY_CHUNK, Math.max(data.remaining(), 1))];
            }
            while (data.hasRemaining()) {
                int n = Math.min(copyBuffer.length, data.remaining());
                data.get(copyBuffer, 0, n);
                state.update(copyBuffer, 0, n);
            }
            return this;
        }

        @Override
        public ContentHash finish() {
            checkOpen();
            finished = true;
            return new ContentHash(state.doFinalize(ContentHash.LENGTH));
        }

        private void checkOpen() {
            if (finished) {
                throw new IllegalStateException("this BLAKE3 hash is already finished");
            }
        }
    }
}
