package io.restartwatch.support.tx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Runs an action once the current transaction has committed (never on rollback), e.g. waking a worker that
 * should see the committed rows at once rather than at its next poll.
 */
@ApplicationScoped
public class AfterCommit {

    private final TransactionSynchronizationRegistry transactions;

    public AfterCommit(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /**
     * Registers {@code action} for the current transaction, at most once per {@code name}.
     * Outside a transaction it runs at once.
     */
    public void once(String name, Runnable action) {
        if (transactions.getTransactionKey() == null) {
            action.run();
            return;
        }
        String key = AfterCommit.class.getName() + "." + name;
        if (transactions.getResource(key) != null) {
            return;
        }
        transactions.putResource(key, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }
}
