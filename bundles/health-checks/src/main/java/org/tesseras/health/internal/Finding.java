package org.tesseras.health.internal;

import java.util.Objects;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/**
 * What one check concluded: a status, what it found and what the operator should do (empty when nothing). As a Felix
 * result it is one log entry for the finding and, when there is advice, one entry beginning with {@link #ADVICE}, both
 * at the status, so JMX and Felix's own views show the advice too.
 */
record Finding(Result.Status status, String finding, String whatToDo) {
    /** How the advice entry of a result begins. */
    static final String ADVICE = "What to do: ";

    Finding {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finding, "finding");
        whatToDo = whatToDo == null ? "" : whatToDo;
    }

    static Finding ok(String finding) {
        return new Finding(Result.Status.OK, finding, "");
    }

    static Finding warn(String finding, String whatToDo) {
        return new Finding(Result.Status.WARN, finding, whatToDo);
    }

    static Finding critical(String finding, String whatToDo) {
        return new Finding(Result.Status.CRITICAL, finding, whatToDo);
    }

    static Finding unavailable(String finding, String whatToDo) {
        return new Finding(Result.Status.TEMPORARILY_UNAVAILABLE, finding, whatToDo);
    }

    /** The Felix result carrying this finding. */
    Result toResult() {
        ResultLog log = new ResultLog();
        log.add(new ResultLog.Entry(status, finding));
        if (!whatToDo.isEmpty()) {
            log.add(new ResultLog.Entry(status, ADVICE + whatToDo));
        }
        return new Result(log);
    }
}
