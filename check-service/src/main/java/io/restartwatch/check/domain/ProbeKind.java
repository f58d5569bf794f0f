package io.restartwatch.check.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a server's state is learned. */
public enum ProbeKind {
    /** check-service connects over SSH and runs the probe command. */
    SSH,
    /** An agent on the server pushes reports; check-service never connects. */
    AGENT,
    /**
     * A directory on check-service's own machine stands for the server's root file system
     * ({@code restartwatch.probe.local.base-dir}/&lt;server id&gt;): the host itself, or the demo fleet.
     */
    LOCAL;

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static ProbeKind fromJson(String value) {
        for (ProbeKind kind : values()) {
            if (kind.name().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown probe kind '" + value + "' (ssh, agent or local)");
    }
}
