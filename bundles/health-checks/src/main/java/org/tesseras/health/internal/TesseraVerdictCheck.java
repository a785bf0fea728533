package org.tesseras.health.internal;

import java.util.List;

import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.port.ReplicationService;

/** A check of the tesseras' last health verdicts, as {@link ReplicationService#status()} reports them. */
abstract class TesseraVerdictCheck extends NodeCheck {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReplicationService replication;

    /** Judges the statuses of every tessera this node knows. */
    abstract Finding judgeStatuses(List<TesseraStatus> statuses);

    @Override
    final Finding examine() {
        ReplicationService running = replication;
        return running == null ? TesseraVerdicts.replicationMissing() : judgeStatuses(running.status());
    }
}
