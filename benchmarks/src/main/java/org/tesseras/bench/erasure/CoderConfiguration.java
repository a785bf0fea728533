package org.tesseras.bench.erasure;

import java.lang.reflect.Proxy;

import org.tesseras.erasure.rs.internal.ErasureCoderConfiguration;

/** The configuration DS would hand the coder, built for a benchmark. */
final class CoderConfiguration {
    private CoderConfiguration() {
    }

    /** {@code threads} as given (0: all processors), the defaults for the rest. */
    static ErasureCoderConfiguration withThreads(int threads) {
        return (ErasureCoderConfiguration) Proxy.newProxyInstance(ErasureCoderConfiguration.class.getClassLoader(),
                new Class<?>[] {ErasureCoderConfiguration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "threads" -> threads;
                    case "annotationType" -> ErasureCoderConfiguration.class;
                    default -> method.getDefaultValue();
                });
    }
}
