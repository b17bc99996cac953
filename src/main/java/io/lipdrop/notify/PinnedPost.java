package io.lipdrop.notify;

import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.DnsResolver;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.BasicHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

/**
 * One POST to an address {@link TargetCheck} has already checked, returning the status code. Apache HttpClient with
 * a {@link DnsResolver} that knows only that address for the URL's host: the connection goes to the checked address,
 * never to a second DNS answer (rebinding), while Host, SNI and the certificate check (the default trust store and
 * hostname verifier) use the URL's host. No redirects, retries, cookies or authentication of its own.
 *
 * <p>One client per post, closed after it: the pin is fixed when the client is built, whereas one shared client
 * would need the pin carried to the resolver, which is not given the request; callbacks are rare enough not to pool.
 */
final class PinnedPost {
    private final SSLConnectionSocketFactory tls;
    private final RequestConfig config;

    /** @param tls {@link SSLConnectionSocketFactory#getSocketFactory()}; tests give one that trusts their certificate */
    PinnedPost(SSLConnectionSocketFactory tls, Duration timeout) {
        this.tls = tls;
        int ms = Math.toIntExact(timeout.toMillis());
        this.config = RequestConfig.custom().setConnectTimeout(ms).setSocketTimeout(ms).setConnectionRequestTimeout(ms)
                .setRedirectsEnabled(false).setAuthenticationEnabled(false).build();
    }

    /** @throws SocketTimeoutException no connection or no answer within the timeout */
    int post(URI url, InetAddress address, Map<String, String> headers, byte[] body) throws IOException {
        String host = AllowedTargets.host(url);
        DnsResolver pinned = name -> {
            // HttpClient passes the host as written in the URL: compared in the form AllowedTargets matched it
            if (host.equals(AllowedTargets.normalised(name))) return new InetAddress[] {address};
            throw new UnknownHostException(name + " (only " + host + " was checked)");
        };
        var sockets = RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory()).register("https", tls).build();
        try (CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(new BasicHttpClientConnectionManager(sockets, null, null, pinned))
                .setDefaultRequestConfig(config).disableRedirectHandling().disableAutomaticRetries()
                .disableCookieManagement().disableAuthCaching().disableContentCompression().build()) {
            HttpPost post = new HttpPost(url);
            headers.forEach((name, value) -> {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) throw new IllegalArgumentException("a line break in " + name);
                post.setHeader(name, value);
            });
            post.setEntity(new ByteArrayEntity(body)); // its Content-Type is in headers
            try (CloseableHttpResponse response = client.execute(post)) {
                EntityUtils.consume(response.getEntity());
                return response.getStatusLine().getStatusCode();
            }
        } catch (ConnectTimeoutException e) { // an InterruptedIOException: CallbackSender retries it as a timeout
            throw (SocketTimeoutException) new SocketTimeoutException(e.getMessage()).initCause(e);
        }
    }

}
