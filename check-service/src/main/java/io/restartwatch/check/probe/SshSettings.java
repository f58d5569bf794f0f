package io.restartwatch.check.probe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How check-service reaches servers over SSH. */
@ConfigMapping(prefix = "restartwatch.probe.ssh")
public interface SshSettings {

    /** Private key (OpenSSH or PEM) used for every server; SSH probing is disabled without it. */
    Optional<Path> privateKey();

    /** known_hosts file; a server whose host key is not in it, or differs from it, is never trusted. */
    @WithDefault("${user.home}/.ssh/known_hosts")
    Path knownHosts();

    /** User when the server names none. */
    @WithDefault("restartwatch")
    String defaultUser();

    @WithDefault("PT5S")
    Duration connectTimeout();

    @WithDefault("PT10S")
    Duration authTimeout();

    /** For the probe command to finish once started. */
    @WithDefault("PT15S")
    Duration commandTimeout();
}
