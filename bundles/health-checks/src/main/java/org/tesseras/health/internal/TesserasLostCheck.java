package org.tesseras.health.internal;

import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.TesseraStatus;

/** No tessera's last check found fewer fragments than needed to rebuild it. */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + TesserasLostCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=tesseras-health",
    HealthCheck.MBEAN_NAME + "=tesseras-lost"})
public final class TesserasLostCheck extends TesseraVerdictCheck {
    static final String NAME = "Tesseras lost";

    @Override
    Finding judgeStatuses(List<TesseraStatus> statuses) {
        return judge(statuses);
    }

    static Finding judge(List<TesseraStatus> statuses) {
        List<HealthRecord> lost = TesseraVerdicts.matching(statuses, TesseraVerdicts::lost);
        if (lost.isEmpty()) {
            return Finding.ok(TesseraVerdicts.noneOf(statuses.size(), "was found lost"));
        }
        return Finding.critical(lost.size() + " of " + statuses.size()
                + " tesseras cannot be rebuilt from what the network holds: " + TesseraVerdicts.name(lost),
                "If holders may come back, check again later with tesseras:health <hash>; if you still have the"
                        + " original file, put it again with tesseras:put <file>; tesseras:status <hash> shows the"
                        + " last check");
    }
}
