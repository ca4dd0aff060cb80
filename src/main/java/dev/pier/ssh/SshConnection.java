package dev.pier.ssh;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One SSH connection (Apache MINA SSHD) to a deploy target: public-key authentication with the given identities
 * only (no ~/.ssh/config, no agent, no default keys, no passwords), the host key checked by a
 * {@link HostKeyVerifier}, keep-alives so a silently dead peer is noticed within {@link #DEAD_PEER}, exec channels
 * with a deadline, and one SFTP client.
 */
public final class SshConnection implements AutoCloseable {

    /** Keep-alive interval × missed replies: how long a peer that stopped answering goes unnoticed at most. */
    static final Duration KEEPALIVE = Duration.ofSeconds(5);
    static final int KEEPALIVE_MISSES = 4;
    public static final Duration DEAD_PEER = KEEPALIVE.multipliedBy(KEEPALIVE_MISSES);

    /** Where a connection should go. */
    public record Endpoint(String host, int port, String user) {
        @Override
        public String toString() {
            return user + "@" + host + (port == 22 ? "" : ":" + port);
        }
    }

    /** Receives remote output line by line. */
    @FunctionalInterface
    public interface Output {
        void line(String stream, String text);
    }

    /** Why a connection could not be made or was lost. */
    public static final class SshFailure extends IOException {
        public enum Kind { HOST_KEY_REFUSED, AUTH_REFUSED, UNREACHABLE, LOST }

        private final Kind kind;

        public SshFailure(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** How an exec ended. {@code exitStatus} is null unless the command exited. */
    public record ExecResult(Ending ending, Integer exitStatus, String exitSignal) {
        public enum Ending { EXITED, TIMED_OUT, ABORTED, LOST }

        public boolean succeeded() {
            return ending == Ending.EXITED && exitStatus != null && exitStatus == 0;
        }
    }

    private final SshClient client;
    private final ClientSession session;
    private final Set<ChannelExec> running = new CopyOnWriteArraySet<>();
    private volatile boolean aborted;
    private SftpClient sftp;

    private SshConnection(SshClient client, ClientSession session) {
        this.client = client;
        this.session = session;
    }

    /**
     * Connects and authenticates within {@code timeout}.
     *
     * @throws SshFailure {@code HOST_KEY_REFUSED} (the verifier's message), {@code AUTH_REFUSED}, {@code UNREACHABLE}
     */
    public static SshConnection open(Endpoint to, List<KeyPair> identities, HostKeyVerifier verifier,
                                     Duration timeout) throws SshFailure {
        SshKeys.requireEd25519();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVE_MISSES);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, timeout);
        client.start();
        ClientSession session = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            session = client.connect(to.user(), to.host(), to.port()).verify(timeout).getSession();
            identities.forEach(session::addPublicKeyIdentity);
            session.auth().verify(left(deadline));
            return new SshConnection(client, session);
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            client.stop();
            if (verifier.refusal() != null) {
                throw new SshFailure(SshFailure.Kind.HOST_KEY_REFUSED, verifier.refusal(), e);
            }
            if (session != null && session.isOpen() || isAuthFailure(e)) {
                throw new SshFailure(SshFailure.Kind.AUTH_REFUSED, to + " refused the deploy key (public key"
                        + " authentication failed)", e);
            }
            throw new SshFailure(SshFailure.Kind.UNREACHABLE, "cannot connect to " + to + " within " + timeout.toSeconds()
                    + "s: " + rootMessage(e), e);
        }
    }

    private static boolean isAuthFailure(Throwable e) {
        String m = rootMessage(e).toLowerCase(java.util.Locale.ROOT);
        return m.contains("no more authentication methods") || m.contains("auth");
    }

    /**
     * Runs {@code argv} (guarded, see {@link RemoteCommand}) and streams its output until it exits, the deadline
     * passes, {@link #abort()} is called, or the connection drops. Never throws for those: see the result.
     */
    public ExecResult exec(List<String> argv, Output output, Duration timeout) throws IOException {
        if (aborted) {
            return new ExecResult(ExecResult.Ending.ABORTED, null, null);
        }
        LineOutput out = new LineOutput(output, "stdout");
        LineOutput err = new LineOutput(output, "stderr");
        ChannelExec ch;
        try {
            ch = session.createExecChannel(RemoteCommand.guarded(argv));
        } catch (IOException e) {
            if (!session.isOpen()) {
                return new ExecResult(ExecResult.Ending.LOST, null, null);
            }
            throw e;
        }
        ch.setOut(out);
        ch.setErr(err);
        running.add(ch);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            ch.open().verify(left(deadline));
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), left(deadline));
            if (aborted) {
                return new ExecResult(ExecResult.Ending.ABORTED, null, null);
            }
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                stop(ch);
                return new ExecResult(ExecResult.Ending.TIMED_OUT, null, null);
            }
            if (ch.getExitStatus() != null) {
                return new ExecResult(ExecResult.Ending.EXITED, ch.getExitStatus(), null);
            }
            if (ch.getExitSignal() != null) {
                return new ExecResult(ExecResult.Ending.EXITED, null, ch.getExitSignal());
            }
            return new ExecResult(aborted ? ExecResult.Ending.ABORTED : ExecResult.Ending.LOST, null, null);
        } catch (IOException | RuntimeException e) {
            if (aborted) {
                return new ExecResult(ExecResult.Ending.ABORTED, null, null);
            }
            if (!session.isOpen()) {
                return new ExecResult(ExecResult.Ending.LOST, null, null);
            }
            throw e instanceof IOException io ? io : new IOException(rootMessage(e), e);
        } finally {
            running.remove(ch);
            stop(ch);
            out.flush();
            err.flush();
        }
    }

    /** Closes the running commands' channels (cancellation); later execs return at once. The session stays open. */
    public void abort() {
        aborted = true;
        running.forEach(SshConnection::stop);
    }

    /**
     * End-of-file on the command's stdin is what makes the {@link RemoteCommand} guard stop it: OpenSSH neither
     * signals a command nor closes its stdin when only the channel is closed.
     */
    private static void stop(ChannelExec ch) {
        try {
            ch.getInvertedIn().close();
        } catch (IOException | RuntimeException ignored) {
            // the channel is going anyway
        }
        ch.close(true);
    }


    /** The connection's SFTP client, opened on first use. */
    public synchronized SftpClient sftp() throws IOException {
        if (sftp == null || !sftp.isOpen()) {
            if (!session.isOpen()) {
                throw new SshFailure(SshFailure.Kind.LOST, "the connection is closed", null);
            }
            sftp = SftpClientFactory.instance().createSftpClient(session);
        }
        return sftp;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (sftp != null) {
                try {
                    sftp.close();
                } catch (IOException ignored) {
                    // closing the session below ends it anyway
                }
            }
        }
        closeQuietly(session);
        client.stop();
    }

    private static void closeQuietly(ClientSession s) {
        if (s != null) {
            s.close(true);
        }
    }

    private static Duration left(long deadline) {
        long n = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(n, 1_000_000));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
