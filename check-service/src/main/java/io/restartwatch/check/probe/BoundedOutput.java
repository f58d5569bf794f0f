package io.restartwatch.check.probe;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a remote command's output goes: keeps at most {@code cap} bytes and drops the rest, so a server cannot
 * make check-service buffer without bound. The first byte past the cap runs {@code onOverflow} once (the
 * probe closes the session there: nothing more is read).
 */
final class BoundedOutput extends OutputStream {

    private final int cap;
    private final Runnable onOverflow;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean overflowed;

    BoundedOutput(int cap, Runnable onOverflow) {
        this.cap = cap;
        this.onOverflow = onOverflow;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        if (overflowed) {
            return;
        }
        int room = cap - kept.size();
        kept.write(bytes, offset, Math.min(room, length));
        if (length > room) {
            overflowed = true;
            onOverflow.run();
        }
    }

    boolean overflowed() {
        return overflowed;
    }

    int size() {
        return kept.size();
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }
}
