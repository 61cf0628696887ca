package io.vipwatch.alert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * GreenMail 2.1 speaks SMTP and SMTPS but not STARTTLS. This front adds just that: it greets, offers only STARTTLS
 * in its EHLO answer and refuses every other command, upgrades the connection to TLS with the test certificate, and
 * from then on relays the decrypted stream to GreenMail's plain SMTP port (swallowing GreenMail's own greeting), so
 * the client's second EHLO, AUTH, MAIL, RCPT and DATA are answered by GreenMail itself. A client that does not
 * upgrade cannot send anything.
 */
final class StartTlsFront implements AutoCloseable {
    private final ServerSocket listener;
    private final SSLContext tls;
    private final int backendPort;

    StartTlsFront(SSLContext tls, int backendPort) throws IOException {
        this.tls = tls;
        this.backendPort = backendPort;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        daemon("starttls-front-accept", this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                daemon("starttls-front-session", () -> session(client)).start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void session(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            write(out, "220 starttls-front ESMTP");
            while (true) {
                String command = readLine(in).toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    write(out, "250-starttls-front\r\n250 STARTTLS");
                } else if (command.equals("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS");
                    break;
                } else if (command.equals("QUIT") || command.isEmpty()) {
                    write(out, "221 2.0.0 Bye");
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first");
                }
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
            secure.setUseClientMode(false);
            secure.startHandshake();
            try (secure; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
                String greeting = readLine(backend.getInputStream());
                if (!greeting.startsWith("220 ")) {
                    throw new IOException("unexpected GreenMail greeting: " + greeting);
                }
                Thread upstream = daemon("starttls-front-up", () -> pipe(secure, backend));
                upstream.start();
                pipe(backend, secure);
            }
        } catch (IOException e) {
            // the client went away or refused the handshake: the test sees it on the client side
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            // either side closed
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
