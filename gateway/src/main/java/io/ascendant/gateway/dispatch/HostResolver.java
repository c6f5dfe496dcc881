package io.ascendant.gateway.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a DNS name to the addresses of its pods (a Kubernetes headless service answers with one A/AAAA record
 * per ready pod). A bean so that tests can substitute the answers. Blocking: call from a worker thread.
 */
@ApplicationScoped
public class HostResolver {

    /**
     * @param host DNS name
     * @return literal IP addresses, sorted; empty when the name does not resolve
     */
    public List<String> resolve(String host) {
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(host)) {
                String literal = a.getHostAddress();
                out.add(literal.contains(":") ? "[" + literal + "]" : literal);
            }
            out.sort(String::compareTo);
            return out;
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
