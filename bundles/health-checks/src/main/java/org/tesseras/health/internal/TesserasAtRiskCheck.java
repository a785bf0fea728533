package org.tesseras.health.internal;

import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.TesseraStatus;

/** No tessera's last check found it below the repair threshold (missing fragments or copies, a corrupt fragment). */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + TesserasAtRiskCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=tesseras-health",
    HealthCheck.MBEAN_NAME + "=tesseras-at-risk"})
public final class TesserasAtRiskCheck extends TesseraVerdictCheck {
    static final String NAME = "Tesseras at risk";

    @Override
    Finding judgeStatuses(List<TesseraStatus> statuses) {
        return judge(statuses);
    }

    static Finding judge(List<TesseraStatus> statuses) {
        List<HealthRecord> atRisk = TesseraVerdicts.matching(statuses, TesseraVerdicts::atRisk);
        if (atRisk.isEmpty()) {
            return Finding.ok(TesseraVerdicts.noneOf(statuses.size(), "was found below the repair threshold"));
        }
        return Finding.warn(atRisk.size() + " of " + statuses.size() + " tesseras below the repair threshold: "
                + TesseraVerdicts.name(atRisk),
                "Run tesseras:repair <hash> now (or wait for the next repair round); tesseras:status <hash> says why,"
                        + " and tesseras:peers whether enough peers are there to take new fragments");
    }
}
