package org.tesseras.shell;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.TierSpec;
import org.tesseras.api.port.TierPolicy;

/** {@code tesseras:tiers}: the fragmentation tiers in force and what each one costs and survives. */
@Service
@Command(scope = "tesseras", name = "tiers",
        description = "Shows the fragmentation tiers in force: size range, shards, peers, overhead and peer losses"
                + " survived")
public class TiersCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    TierPolicy policy;

    @Override
    protected void doExecute() throws CommandException {
        TierPolicy tiers = require(policy, TierPolicy.class);
        long max = tiers.maxTesseraSizeBytes();
        ShellTable table = table(text("Name"), text("Tier"), text("Tessera size"), number("Data+parity"),
                number("Peers"), number("Overhead"), text("Survives"));
        for (TierSpec tier : tiers.tiers()) {
            if (tier.minSizeBytes() > max) {
                continue;
            }
            String range = tier.maxSizeBytes() > max
                    ? "[" + Sizes.bytes(tier.minSizeBytes()) + ", " + Sizes.bytes(max) + "]"
                    : "[" + Sizes.bytes(tier.minSizeBytes()) + ", " + Sizes.bytes(tier.maxSizeBytes()) + ")";
            String shards = tier.tier().isErasureCoded() ? tier.dataShards() + "+" + tier.parityShards()
                    : "whole copy";
            table.addRow().addContent(tier.name(), tier.tier(), range, shards, tier.replicationFactor(),
                    String.format(Locale.ROOT, "%.2fx", tier.tier().isErasureCoded() ? tier.overhead()
                            : (double) tier.replicationFactor()),
                    tier.survivablePeerLosses() + " of " + tier.replicationFactor() + " peers lost");
        }
        print(table);
        System.out.println("Largest tessera accepted: " + Sizes.bytes(max) + " (" + max + " bytes)");
    }
}
