package dev.pier.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps prepared statements per SQL text on the store's one shared connection. SQLite parses and plans a
 * statement on every prepare, and under load that was a quarter of the store's CPU (bench/server-signals).
 * Only used under {@link Database}'s connection lock, so one thread at a time. A statement still open when the
 * same SQL is prepared again (a nested query) gets a fresh, uncached one.
 */
final class StatementCache implements StatementBuilder {

    private static final int MAX = 256;

    private final DefaultStatementBuilder plain = new DefaultStatementBuilder();
    private final Set<Statement> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, PreparedStatement> cached = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX || lent.contains(eldest.getValue())) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };
    private Connection connection;

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        return plain.create(conn, ctx);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        if (conn != connection) {
            forget();
            connection = conn;
        }
        PreparedStatement stmt = cached.get(sql);
        if (stmt != null && !stmt.isClosed() && !lent.contains(stmt)) {
            lent.add(stmt);
            return stmt;
        }
        PreparedStatement fresh = plain.create(conn, sql, ctx);
        if (stmt == null || stmt.isClosed()) {
            cached.put(sql, fresh);
            lent.add(fresh);
        }
        return fresh;
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return plain.createCall(conn, sql, ctx);
    }

    @Override
    public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        if (!lent.remove(stmt)) {
            stmt.close(); // not ours to keep
            return;
        }
        try {
            stmt.clearBatch();
            if (stmt instanceof PreparedStatement ps) {
                ps.clearParameters();
            }
        } catch (SQLException | RuntimeException e) {
            cached.values().remove(stmt);
            closeQuietly(stmt);
        }
    }

    private void forget() {
        cached.values().forEach(StatementCache::closeQuietly);
        cached.clear();
        lent.clear();
    }

    private static void closeQuietly(Statement stmt) {
        try {
            stmt.close();
        } catch (SQLException ignored) {
            // a statement of a closed connection
        }
    }
}
