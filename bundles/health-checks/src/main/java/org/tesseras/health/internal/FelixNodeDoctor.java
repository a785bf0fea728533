package org.tesseras.health.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tesseras.api.health.CheckFinding;
import org.tesseras.api.health.CheckStatus;
import org.tesseras.api.health.NodeDoctor;

/** The {@link NodeDoctor}: runs every Felix health check tagged {@value NodeCheck#TAG} now, not from a cache. */
@Component(service = NodeDoctor.class)
public final class FelixNodeDoctor implements NodeDoctor {

    @Reference
    HealthCheckExecutor executor;

    @Override
    public List<CheckFinding> examine() {
        List<CheckFinding> findings = new ArrayList<>();
        for (HealthCheckExecutionResult result : executor.execute(HealthCheckSelector.tags(NodeCheck.TAG),
                new HealthCheckExecutionOptions().setForceInstantExecution(true))) {
            findings.add(toFinding(result));
        }
        findings.sort(Comparator.comparing(CheckFinding::status).reversed().thenComparing(CheckFinding::check));
        return findings;
    }

    static CheckFinding toFinding(HealthCheckExecutionResult execution) {
        Result result = execution.getHealthCheckResult();
        List<String> found = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        for (ResultLog.Entry entry : result) {
            if (entry.isDebug()) {
                continue;
            }
            String message = entry.getMessage();
            if (message.startsWith(Finding.ADVICE)) {
                advice.add(message.substring(Finding.ADVICE.length()));
            } else {
                found.add(message);
            }
        }
        CheckStatus status = execution.hasTimedOut() ? CheckStatus.ERROR : statusOf(result.getStatus());
        return new CheckFinding(execution.getHealthCheckMetadata().getTitle(), status,
                String.join("; ", found), advice.stream().distinct().collect(Collectors.joining(" ")),
                execution.getHealthCheckMetadata().getTags());
    }

    static CheckStatus statusOf(Result.Status status) {
        switch (status) {
            case OK:
                return CheckStatus.OK;
            case WARN:
                return CheckStatus.WARN;
            case TEMPORARILY_UNAVAILABLE:
                return CheckStatus.UNAVAILABLE;
            case CRITICAL:
                return CheckStatus.CRITICAL;
            default:
                return CheckStatus.ERROR;
        }
    }
}
