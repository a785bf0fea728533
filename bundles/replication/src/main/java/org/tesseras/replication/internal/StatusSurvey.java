package org.tesseras.replication.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.port.ReplicationJournal;

/**
 * What the node knows of its tesseras and of itself, for the operator: each tessera's plan, fragments here,
 * ownership, holders and last verdict; the files in quarantine and the puts under way or cut short by a
 * restart.
 */
final class StatusSurvey {
    /** How many of the most recent puts are looked at for ones under way or cut short. */
    static final int RECENT_PUTS = 20;

    private final Ports ports;

    StatusSurvey(Ports ports) {
        this.ports = ports;
    }

    /** Every tessera this node owns, holds fragments of, or knows holders of. */
    List<TesseraStatus> tesseras() {
        Set<ContentHash> known = new LinkedHashSet<>(ports.fragments().listTesseras());
        known.addAll(ports.holders().tesseras());
        known.addAll(ports.blobs().list());
        List<TesseraStatus> statuses = new ArrayList<>();
        for (ContentHash hash : known) {
            tessera(hash).ifPresent(statuses::add);
        }
        return statuses;
    }

    /** One tessera's status, when its plan is known here. */
    Optional<TesseraStatus> tessera(ContentHash tesseraHash) {
        Optional<FragmentPlan> plan = ports.fragments().plan(tesseraHash);
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        boolean owned = ports.fragments().manifest(tesseraHash).map(ports::owns)
                .orElse(ports.blobs().exists(tesseraHash));
        return Optional.of(new TesseraStatus(plan.get(), ports.fragments().list(tesseraHash).size(), owned,
                ports.holders().holders(tesseraHash).size(), ports.holders().lastHealth(tesseraHash)));
    }

    /** Quarantined fragments and whole tesseras, and the recent puts under way or cut short. */
    NodeStatus node() {
        int quarantined = ports.fragments().quarantined().size() + ports.blobs().quarantined().size();
        ReplicationJournal journal = ports.journal();
        List<PutRecord> underWay = new ArrayList<>();
        List<PutRecord> cutShort = new ArrayList<>();
        for (PutRecord put : journal.recentPuts(RECENT_PUTS)) {
            if (!put.ended()) {
                underWay.add(put);
            } else if (StartupTasks.cutShortByARestart(put)) {
                cutShort.add(put);
            }
        }
        return new NodeStatus(quarantined, underWay, cutShort);
    }
}
