#include "scale/k8s_input.hpp"

#include <cmath>

#include "scale/yaml_input.hpp"

namespace mindme::scale {

namespace {

HpaRules rules(const YAML::Node& node, const std::string& where, HpaRules fallback) {
    if (!node) return fallback;
    HpaRules r = fallback;
    r.stabilization_window_seconds = read_or<std::int64_t>(
        node, "stabilizationWindowSeconds", fallback.stabilization_window_seconds, where);
    if (r.stabilization_window_seconds < 0 || r.stabilization_window_seconds > 3600)
        refuse(where + ".stabilizationWindowSeconds", "must be between 0 and 3600");
    auto select = read_or<std::string>(node, "selectPolicy", "Max", where);
    if (select == "Max")
        r.select = HpaRules::Select::kMax;
    else if (select == "Min")
        r.select = HpaRules::Select::kMin;
    else if (select == "Disabled")
        r.select = HpaRules::Select::kDisabled;
    else
        refuse(where + ".selectPolicy", "must be Max, Min or Disabled");
    if (auto policies = node["policies"]) {
        if (!policies.IsSequence()) refuse(where + ".policies", "must be a list");
        r.policies.clear();
        for (std::size_t i = 0; i < policies.size(); ++i) {
            auto at = where + ".policies[" + std::to_string(i) + "]";
            HpaPolicy p;
            auto type = read_or<std::string>(policies[i], "type", "", at);
            if (type == "Pods")
                p.kind = HpaPolicy::Kind::kPods;
            else if (type == "Percent")
                p.kind = HpaPolicy::Kind::kPercent;
            else
                refuse(at + ".type", "must be Pods or Percent");
            p.value = read_or<int>(policies[i], "value", 0, at);
            p.period_seconds = read_or<std::int64_t>(policies[i], "periodSeconds", 0, at);
            if (p.value <= 0) refuse(at + ".value", "must be positive");
            if (p.period_seconds <= 0 || p.period_seconds > 1800)
                refuse(at + ".periodSeconds", "must be between 1 and 1800");
            r.policies.push_back(p);
        }
    }
    return r;
}

HpaBehavior behavior(const YAML::Node& node, const std::string& where) {
    auto fallback = default_behavior();
    HpaBehavior b;
    b.scale_up = rules(node["scaleUp"], where + ".scaleUp", fallback.scale_up);
    b.scale_down = rules(node["scaleDown"], where + ".scaleDown", fallback.scale_down);
    return b;
}

HpaMetricSource metric_source(const YAML::Node& m, const std::string& where) {
    HpaMetricSource s;
    auto type = read_or<std::string>(m, "type", "", where);
    const char* key = nullptr;
    if (type == "Resource")
        s.kind = HpaMetricSource::Kind::kResource, key = "resource";
    else if (type == "Pods")
        s.kind = HpaMetricSource::Kind::kPods, key = "pods";
    else if (type == "Object")
        s.kind = HpaMetricSource::Kind::kObject, key = "object";
    else if (type == "External")
        s.kind = HpaMetricSource::Kind::kExternal, key = "external";
    else
        refuse(where + ".type", "must be Resource, Pods, Object or External");
    auto body = m[key];
    auto at = where + "." + key;
    if (!body || !body.IsMap()) refuse(at, "is required for type " + type);
    s.name = s.kind == HpaMetricSource::Kind::kResource
                 ? read_or<std::string>(body, "name", "", at)
                 : read_or<std::string>(body["metric"], "name", "", at + ".metric");
    if (s.name.empty()) refuse(at, "names no metric");
    auto target = body["target"];
    if (!target || !target.IsMap()) refuse(at + ".target", "is required");
    auto target_type = read_or<std::string>(target, "type", "", at + ".target");
    if (target_type == "Utilization") {
        if (s.kind != HpaMetricSource::Kind::kResource)
            refuse(at + ".target.type", "Utilization is for Resource metrics");
        s.target = HpaMetricSource::Target::kUtilization;
        s.value = read_or<double>(target, "averageUtilization", 0, at + ".target");
    } else if (target_type == "AverageValue") {
        s.target = HpaMetricSource::Target::kAverageValue;
        s.value = parse_quantity_k8s(read_or<std::string>(target, "averageValue", "", at),
                                     at + ".target.averageValue");
    } else if (target_type == "Value") {
        if (s.kind != HpaMetricSource::Kind::kObject && s.kind != HpaMetricSource::Kind::kExternal)
            refuse(at + ".target.type", "Value is for Object and External metrics");
        s.target = HpaMetricSource::Target::kValue;
        s.value =
            parse_quantity_k8s(read_or<std::string>(target, "value", "", at), at + ".target.value");
    } else {
        refuse(at + ".target.type", "must be Utilization, AverageValue or Value");
    }
    if (!(s.value > 0)) refuse(at + ".target", "the target must be positive");
    return s;
}

YAML::Node manifest(const std::string& text, const std::string& origin, const char* kind,
                    const char* api_prefix) {
    auto doc = load_mapping(text, origin, std::string("a ") + kind + " manifest");
    auto actual = read_or<std::string>(doc, "kind", "", origin);
    if (actual != kind) refuse(origin, std::string("kind must be ") + kind + ", not " + actual);
    auto api = read_or<std::string>(doc, "apiVersion", "", origin);
    if (!api.starts_with(api_prefix))
        refuse(origin, "apiVersion " + api + " is not " + api_prefix + "…");
    if (!doc["spec"] || !doc["spec"].IsMap()) refuse(origin, "spec is required");
    return doc;
}

}  // namespace

double parse_quantity_k8s(const std::string& text, const std::string& where) {
    std::size_t used = 0;
    double number = 0;
    try {
        number = std::stod(text, &used);
    } catch (const std::exception&) {
        refuse(where, "expected a quantity such as 100, 500m or 2k");
    }
    auto suffix = text.substr(used);
    static const std::pair<const char*, double> kSuffixes[] = {
        {"", 1},    {"m", 1e-3},    {"k", 1e3},        {"M", 1e6},
        {"G", 1e9}, {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0},
    };
    for (const auto& [s, factor] : kSuffixes)
        if (suffix == s) {
            if (!std::isfinite(number) || number < 0) refuse(where, "expected a quantity ≥ 0");
            return number * factor;
        }
    refuse(where, "unknown quantity suffix \"" + suffix + "\"");
}

HpaManifest parse_hpa(const std::string& text, const std::string& origin) {
    auto doc = manifest(text, origin, "HorizontalPodAutoscaler", "autoscaling/v2");
    auto spec = doc["spec"];
    auto at = origin + ": spec";
    HpaManifest h;
    h.name = read_or<std::string>(doc["metadata"], "name", "hpa", origin + ": metadata");
    h.spec.min_replicas = read_or<int>(spec, "minReplicas", 1, at);
    h.spec.max_replicas = read_or<int>(spec, "maxReplicas", 0, at);
    if (h.spec.min_replicas < 1) refuse(at + ".minReplicas", "must be at least 1");
    if (h.spec.max_replicas < h.spec.min_replicas)
        refuse(at + ".maxReplicas", "is required and must be at least minReplicas");
    h.spec.behavior = behavior(spec["behavior"], at + ".behavior");
    // behavior.scaleUp/scaleDown.tolerance (Kubernetes 1.33+): the tolerance per
    // direction, 0.1 when absent.
    for (auto [direction, tolerance] : {std::pair{"scaleUp", &h.spec.tolerance_up},
                                        std::pair{"scaleDown", &h.spec.tolerance_down}}) {
        auto node = spec["behavior"][direction]["tolerance"];
        if (!node) continue;
        auto where = at + ".behavior." + direction + ".tolerance";
        *tolerance = parse_quantity_k8s(read<std::string>(node, where), where);
        if (*tolerance >= 1) refuse(where, "must be below 1");
    }
    auto metrics = spec["metrics"];
    if (!metrics) {
        // The API's default: 80 % CPU.
        h.metrics.push_back(
            {HpaMetricSource::Kind::kResource, "cpu", HpaMetricSource::Target::kUtilization, 80});
    } else {
        if (!metrics.IsSequence()) refuse(at + ".metrics", "must be a list");
        for (std::size_t i = 0; i < metrics.size(); ++i)
            h.metrics.push_back(
                metric_source(metrics[i], at + ".metrics[" + std::to_string(i) + "]"));
    }
    return h;
}

KedaManifest parse_keda(const std::string& text, const std::string& origin) {
    auto doc = manifest(text, origin, "ScaledObject", "keda.sh/");
    auto spec = doc["spec"];
    auto at = origin + ": spec";
    KedaManifest k;
    k.name = read_or<std::string>(doc["metadata"], "name", "scaledobject", origin + ": metadata");
    k.spec.min_replicas = read_or<int>(spec, "minReplicaCount", 0, at);
    k.spec.max_replicas = read_or<int>(spec, "maxReplicaCount", 100, at);
    k.spec.polling_seconds = read_or<std::int64_t>(spec, "pollingInterval", 30, at);
    k.spec.cooldown_seconds = read_or<std::int64_t>(spec, "cooldownPeriod", 300, at);
    k.spec.initial_cooldown_seconds = read_or<std::int64_t>(spec, "initialCooldownPeriod", 0, at);
    if (k.spec.min_replicas < 0 || k.spec.max_replicas < std::max(1, k.spec.min_replicas))
        refuse(at, "maxReplicaCount must be at least minReplicaCount and 1");
    if (k.spec.polling_seconds < 1) refuse(at + ".pollingInterval", "must be at least 1");
    if (k.spec.cooldown_seconds < 0) refuse(at + ".cooldownPeriod", "must not be negative");
    if (k.spec.initial_cooldown_seconds < 0)
        refuse(at + ".initialCooldownPeriod", "must not be negative");
    if (auto hpa = spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"])
        k.spec.behavior = behavior(hpa, at + ".advanced.horizontalPodAutoscalerConfig.behavior");
    auto triggers = spec["triggers"];
    if (!triggers || !triggers.IsSequence() || triggers.size() == 0)
        refuse(at + ".triggers", "is required");
    bool found = false;
    for (std::size_t i = 0; i < triggers.size(); ++i) {
        auto where = at + ".triggers[" + std::to_string(i) + "]";
        auto type = read_or<std::string>(triggers[i], "type", "", where);
        if (type != "rabbitmq")
            refuse(where + ".type", "only rabbitmq triggers are simulated, not " + type);
        if (found) refuse(where, "one rabbitmq trigger is simulated, not several");
        found = true;
        auto meta = triggers[i]["metadata"];
        auto mat = where + ".metadata";
        if (!meta || !meta.IsMap()) refuse(mat, "is required");
        k.queue = read_or<std::string>(meta, "queueName", "", mat);
        if (k.queue.empty()) refuse(mat + ".queueName", "is required");
        auto mode = read_or<std::string>(meta, "mode", "QueueLength", mat);
        if (mode == "QueueLength")
            k.spec.mode = KedaSpec::Mode::kQueueLength;
        else if (mode == "MessageRate")
            k.spec.mode = KedaSpec::Mode::kMessageRate;
        else
            refuse(mat + ".mode", "must be QueueLength or MessageRate");
        // queueLength is the trigger's older name for the value.
        auto value = meta["value"] ? meta["value"] : meta["queueLength"];
        if (!value) refuse(mat + ".value", "is required");
        k.spec.value = parse_quantity_k8s(read<std::string>(value, mat + ".value"), mat + ".value");
        if (!(k.spec.value > 0)) refuse(mat + ".value", "must be positive");
        if (auto activation = meta["activationValue"])
            k.spec.activation_value = parse_quantity_k8s(
                read<std::string>(activation, mat + ".activationValue"), mat + ".activationValue");
    }
    return k;
}

}  // namespace mindme::scale
