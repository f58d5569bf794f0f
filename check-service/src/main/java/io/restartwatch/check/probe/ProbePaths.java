package io.restartwatch.check.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a server keeps the facts a probe reads. Configurable so tests can point them at temp files. */
@ConfigMapping(prefix = "restartwatch.probe.paths")
public interface ProbePaths {

    @WithDefault("/var/run/reboot-required")
    String sentinel();

    @WithDefault("/var/run/reboot-required.pkgs")
    String packages();

    @WithDefault("/proc/sys/kernel/random/boot_id")
    String bootId();
}
