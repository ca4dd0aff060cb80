package dev.pier.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file under {@code $PIER_HOME}, migrated by Flyway.
 * Several Pier processes share it (WAL, busy timeout, immediate transactions).
 */
public final class Database {

    private final Jdbi jdbi;
    private final Path file;

    private Database(Jdbi jdbi, Path file) {
        this.jdbi = jdbi;
        this.file = file;
    }

    /** Opens (creating and migrating if needed) {@code <home>/pier.db}. */
    public static Database openSqlite(Path home) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Pier home " + home, e);
        }
        Path file = home.resolve("pier.db");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a run the API answered 202 for must survive a power cut, not just a crash.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(30_000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        migrate(ds, home.resolve(".migrate.lock"));
        Jdbi jdbi = Jdbi.create(new OneAtATime(ds));
        StatementCache statements = new StatementCache(); // one, like the connection it prepares on
        jdbi.setStatementBuilderFactory(connection -> statements);
        return new Database(jdbi, file);
    }

    /**
     * One open connection at a time in this process: a handle holds a process-wide lock from open to close.
     * sqlite-jdbc waits for a locked database inside native code, which pins a virtual thread to its carrier.
     * When several handles waited there for a write lock, they pinned every carrier (two on two cores) while
     * the transaction holding the lock, unmounted, waited for a carrier: {@code pier server} stalled until busy
     * timeouts failed runs and signals (bench/server-signals, 32 concurrent signals). Waiting for a Java lock
     * unmounts instead; SQLite's busy wait is left for locks held by other processes. Handles are short and
     * always closed on the thread that opened them ({@code withHandle}, {@code inTransaction}).
     */
    private static final class OneAtATime implements ConnectionFactory {
        private final DataSource ds;
        private final ReentrantLock lock = new ReentrantLock(true);
        // One connection, reused by every handle under the lock: opening a SQLite connection re-reads the
        // schema and re-applies the pragmas, and closing the last one checkpoints the whole WAL (fsyncs).
        private Connection shared;

        OneAtATime(DataSource ds) {
            this.ds = ds;
        }

        @Override
        public Connection openConnection() throws SQLException {
            lock.lock();
            try {
                if (shared == null || shared.isClosed()) {
                    shared = ds.getConnection();
                }
                if (lock.getHoldCount() == 1 && !shared.getAutoCommit()) { // a dead handle's transaction must not leak
                    shared.rollback();
                    shared.setAutoCommit(true);
                }
                return shared;
            } catch (SQLException | RuntimeException | Error e) {
                lock.unlock();
                throw e;
            }
        }

        @Override
        public void closeConnection(Connection c) {
            lock.unlock(); // the connection stays open for the next handle
        }
    }

    // Two processes opening a fresh home at once must not both run the migrations.
    private static void migrate(SQLiteDataSource ds, Path lockFile) {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/sqlite")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Path file() {
        return file;
    }
}
