package io.calltrail.poollab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calltrail.app.Json;
import java.util.List;

/** The pool lab's results as JSON: settings in minutes and shares, so scripts need no unit conversions. */
final class LabJson {
    private LabJson() {
    }

    static ObjectNode scenario(Scenario scenario) {
        Traffic traffic = scenario.traffic();
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode trafficNode = node.putObject("traffic");
        trafficNode.put("sessions_per_day", traffic.sessionsPerDay());
        trafficNode.put("profile", traffic.profile().name());
        ArrayNode weights = trafficNode.putArray("hourly_weights");
        traffic.profile().weights().forEach(weights::add);
        trafficNode.put("session_length", traffic.sessionLength().shape().toString());
        trafficNode.put("session_minutes", traffic.sessionLength().minutes());
        trafficNode.put("session_sigma", traffic.sessionLength().sigma());
        trafficNode.put("heartbeat_seconds", traffic.heartbeatFor(scenario.pool().idleTimeout()).toSeconds());
        trafficNode.put("call_share", traffic.callShare());
        trafficNode.put("engagement", traffic.engagement());
        trafficNode.put("during_share", traffic.duringShare());
        trafficNode.put("soon_share", traffic.soonShare());
        trafficNode.put("later_share", traffic.laterShare());
        trafficNode.put("soon_minutes", traffic.soonWithin().toMinutes());
        trafficNode.put("later_hours", traffic.laterAfter().toHours());
        trafficNode.put("later_spread_hours", traffic.laterSpread().toMinutes() / 60.0);
        trafficNode.put("tel_click_share", traffic.telClickShare());
        trafficNode.put("stray_click_share", traffic.strayClickShare());
        ObjectNode poolNode = node.putObject("pool");
        PoolSettings pool = scenario.pool();
        poolNode.put("size", pool.size());
        poolNode.put("idle_timeout_minutes", pool.idleTimeout().toSeconds() / 60.0);
        poolNode.put("linger_minutes", pool.linger().toSeconds() / 60.0);
        poolNode.put("overflow_policy", pool.overflow().toString());
        poolNode.put("reuse_order", pool.reuseOrder().toString());
        node.put("days", scenario.days());
        node.put("seed", scenario.seed());
        node.put("high_confidence", scenario.highConfidence());
        return node;
    }

    static ObjectNode result(LabResult result) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("scenario", scenario(result.scenario()));
        node.set("sessions", Json.MAPPER.valueToTree(result.sessions()));
        node.set("numbers_in_use", Json.MAPPER.valueToTree(result.usage()));
        node.set("calls", Json.MAPPER.valueToTree(result.calls()));
        ArrayNode bands = node.putArray("confidence_bands");
        for (LabResult.Band band : result.bands()) {
            ObjectNode bandNode = Json.MAPPER.valueToTree(band);
            bandNode.put("attributions", band.attributions());
            bandNode.put("promised_share_correct", band.from() == 0 ? 0 : 1 - (1 - band.from()) / 10);
            bands.add(bandNode);
        }
        node.set("high_confidence", Json.MAPPER.valueToTree(result.highConfidence()));
        return node;
    }

    static ObjectNode sweep(Sweep sweep, List<LabResult> results) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("parameter", sweep.key());
        ArrayNode values = node.putArray("values");
        sweep.values().forEach(values::add);
        ArrayNode rows = node.putArray("results");
        results.forEach(result -> rows.add(result(result)));
        return node;
    }
}
