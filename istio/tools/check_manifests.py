#!/usr/bin/env python3
"""Checks rendered kustomize output (one YAML stream per overlay) the way a cluster would, and
stricter: a wrong field in a cluster is silently pruned, here it fails. Called by
scripts/istio-check; prints one line per check and exits 1 on any failure.

  check_manifests.py --crds DIR --plugin-config-dir DIR [--update] NAME=RENDERED.yaml ...

- Istio kinds with a CRD in DIR: validated against the served version's openAPIV3Schema, with
  every object that lists its properties closed (unknown fields fail, as Kubernetes would
  prune them), plus the CEL rules jsonschema cannot run that matter here (WasmPlugin: one of
  selector/targetRef/targetRefs).
- Istio kinds without a schema there (Gateway, VirtualService): known fields only.
- Core objects: apiVersion, required fields, references between them, and the vault's
  hardening on the rendered Deployment.
- WasmPlugin: digest-pinned OCI url, FAIL_CLOSE, one pluginConfig per overlay whose vault
  cluster is Istio's name for the rendered Service; the pluginConfig is written to (--update)
  or compared with PLUGIN-CONFIG-DIR/NAME.json, the file the filter's parser test reads.
"""
import argparse
import copy
import json
import os
import re
import sys

import jsonschema
import yaml

FAILED = []


def check(ok, where, what, detail=""):
    print(("ok   " if ok else "FAIL ") + f"{where}: {what}" + (f" ({detail})" if detail and not ok else ""))
    if not ok:
        FAILED.append(where)
    return ok


def closed(schema):
    """Kubernetes prunes fields a structural schema does not list; make them errors instead."""
    s = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node \
                    and not node.get("x-kubernetes-preserve-unknown-fields") \
                    and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    s.setdefault("properties", {}).update(
        {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}})
    walk(s)
    return s


def load_crds(directory):
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        crd = json.load(open(os.path.join(directory, name)))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for v in crd["spec"]["versions"]:
            if v.get("served"):
                schemas[(f"{group}/{v['name']}", kind)] = closed(v["schema"]["openAPIV3Schema"])
    return schemas


# Istio kinds istio/crds does not include: the spec fields they may carry.
KNOWN_SPEC = {
    "Gateway": {"selector", "servers"},
    "VirtualService": {"hosts", "gateways", "http", "tls", "tcp", "exportTo"},
}
CORE_VERSIONS = {
    "Namespace": "v1", "ServiceAccount": "v1", "Service": "v1", "Secret": "v1", "ConfigMap": "v1",
    "PersistentVolumeClaim": "v1", "Deployment": "apps/v1", "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
}
# Secrets the operator creates (never in the repository): istio/README.md, "Secrets".
OPERATOR_SECRETS = {"veil-vault-config", "veil-vault-master-keys"}


def name_of(doc):
    return f"{doc['kind']}/{doc['metadata'].get('namespace', '-')}/{doc['metadata']['name']}"


def check_istio(overlay, doc, schemas):
    where = f"{overlay} {name_of(doc)}"
    key = (doc["apiVersion"], doc["kind"])
    if key in schemas:
        errors = sorted(jsonschema.Draft7Validator(schemas[key]).iter_errors(doc), key=lambda e: list(e.path))
        check(not errors, where, f"valid against the {doc['apiVersion']} CRD schema",
              "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:3]))
    elif doc["kind"] in KNOWN_SPEC:
        extra = set(doc.get("spec", {})) - KNOWN_SPEC[doc["kind"]]
        check(doc["apiVersion"] == "networking.istio.io/v1" and doc.get("spec") and not extra, where,
              "known fields only (no CRD schema for this kind in istio/crds)", f"unknown: {extra}")
    else:
        check(False, where, "a kind this check knows", doc["apiVersion"])


def check_wasmplugin(overlay, doc):
    where = f"{overlay} {name_of(doc)}"
    spec = doc["spec"]
    check(sum(k in spec for k in ("selector", "targetRef", "targetRefs")) == 1, where,
          "exactly one of selector, targetRef, targetRefs (CEL rule; none = every proxy)")
    check(bool(re.fullmatch(r"oci://[a-z0-9.:-]+(/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}", spec.get("url", ""))),
          where, "url is an OCI image pinned by digest", spec.get("url"))
    check(spec.get("failStrategy") == "FAIL_CLOSE", where, "failStrategy FAIL_CLOSE (fail closed, like the filter)")
    check(spec.get("phase") in ("AUTHZ", "STATS"), where, "phase after authentication (AUTHZ or STATS)")
    check(spec.get("type") == "HTTP" and spec.get("pluginName") == "veil", where, "HTTP plugin named veil")
    g = spec.get("pluginConfig", {}).get("gateway", {})
    check(g.get("failure_mode", "closed") == "closed", where, "pluginConfig failure_mode closed")


def check_deployment(overlay, doc, secrets, sas):
    where = f"{overlay} {name_of(doc)}"
    spec, pod = doc["spec"], doc["spec"]["template"]["spec"]
    labels = doc["spec"]["template"]["metadata"].get("labels", {})
    want = 1 if overlay == "dev" else 2
    check(spec.get("replicas", 1) >= want if want > 1 else spec.get("replicas") == 1, where,
          f"replicas {'>= 2' if want > 1 else '== 1 (embedded store)'}", spec.get("replicas"))
    check(all(labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()), where,
          "selector matches the pod labels")
    check(pod.get("automountServiceAccountToken") is False, where, "pod automountServiceAccountToken false")
    sa = pod.get("serviceAccountName")
    check(sa in sas and sas[sa].get("automountServiceAccountToken") is False, where,
          "its ServiceAccount is rendered, automountServiceAccountToken false", sa)
    psc = pod.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, where, "pod runs as non-root")
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", where, "pod seccomp RuntimeDefault")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        cw = f"{where} container {c['name']}"
        sc = c.get("securityContext", {})
        check(sc.get("runAsNonRoot") is True, cw, "runAsNonRoot")
        check(sc.get("readOnlyRootFilesystem") is True, cw, "readOnlyRootFilesystem")
        check(sc.get("allowPrivilegeEscalation") is False, cw, "allowPrivilegeEscalation false")
        check(sc.get("capabilities", {}).get("drop") == ["ALL"] and not sc["capabilities"].get("add"), cw,
              "capabilities: drop ALL, add none")
        check(sc.get("privileged", False) is False, cw, "not privileged")
        r = c.get("resources", {})
        check(all(k in r.get(s, {}) for s in ("requests", "limits") for k in ("cpu", "memory")), cw,
              "cpu and memory requests and limits")
        ports = {p.get("name") for p in c.get("ports", [])}
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            h = c.get(probe, {}).get("httpGet", {})
            check(h.get("path") == path and h.get("port") in ports | {p.get("containerPort") for p in c["ports"]},
                  cw, f"{probe} GET {path} on a container port")
        for m in c.get("volumeMounts", []):
            check(m["name"] in volumes, cw, f"volumeMount {m['mountPath']} has a volume")
        refs = [e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", [])
                if "secretKeyRef" in e.get("valueFrom", {})]
        refs += [v["secret"]["secretName"] for v in volumes.values() if "secret" in v]
        for ref in refs:
            check(ref in secrets or ref in OPERATOR_SECRETS, cw,
                  f"Secret {ref} is rendered or created by the operator (README)")
        args = c.get("args", [])
        check(args[:1] == ["--config"] or ("--dev" in args and "--data-dir" in args), cw,
              "veil-vault flags: --config FILE, or --dev with --data-dir")
        if "--dev" in args:
            data = args[args.index("--data-dir") + 1]
            m = [m for m in c.get("volumeMounts", []) if m["mountPath"] == data]
            check(bool(m) and "persistentVolumeClaim" in volumes.get(m[0]["name"], {}), cw,
                  "dev: --data-dir is on a PersistentVolumeClaim")
            check(spec.get("strategy", {}).get("type") == "Recreate", where,
                  "dev: Recreate (the embedded store allows one process)")


def check_no_path_around_veil(overlay, by_kind):
    """An app must not reach a provider except through the egress gateway that runs Veil: a
    provider's TLS port is declared only to the gateway's namespace, and sidecars reach
    registered hosts only."""
    for se in by_kind.get("ServiceEntry", []):
        spec = se["spec"]
        tls = [p for p in spec.get("ports", [])
               if p.get("protocol") in ("TLS", "HTTPS") or p.get("number") == 443]
        if spec.get("location") != "MESH_EXTERNAL" or not tls:
            continue
        check(se["metadata"].get("namespace") == "istio-system" and spec.get("exportTo") == ["."],
              f"{overlay} {name_of(se)}",
              "a provider's TLS port is visible to the egress gateway's namespace only (exportTo: [\".\"])",
              f"exportTo {spec.get('exportTo')} exposes {spec['hosts']} port {tls[0].get('number')} to the mesh")
    defaults = [s for s in by_kind.get("Sidecar", [])
                if s["metadata"].get("namespace") == "istio-system" and "workloadSelector" not in s["spec"]]
    check(any(s["spec"].get("outboundTrafficPolicy", {}).get("mode") == "REGISTRY_ONLY" for s in defaults),
          overlay, "the mesh's default Sidecar allows registered hosts only (REGISTRY_ONLY)")


def check_identity(overlay, by_kind, gateway):
    """Tenant and scope come from claims Istio verified, under the issuer that verified them."""
    sources = [gateway.get(k, {}) for k in ("tenant", "scope")]
    check(not any("header" in s for s in sources), overlay,
          "pluginConfig reads tenant and scope from verified JWT claims, not headers a client can send")
    issuers = {r["issuer"] for ra in by_kind.get("RequestAuthentication", [])
               for r in ra["spec"].get("jwtRules", [])}
    check(gateway.get("jwt_payload_in_metadata") in issuers, overlay,
          "pluginConfig jwt_payload_in_metadata is a RequestAuthentication's issuer",
          gateway.get("jwt_payload_in_metadata"))


def check_overlay(overlay, docs, schemas, plugin_dir, update):
    by_kind = {}
    for d in docs:
        check(d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name"), overlay,
              f"{d.get('kind')} has apiVersion, kind, metadata.name")
        by_kind.setdefault(d["kind"], []).append(d)
    for d in docs:
        if "istio.io" in d["apiVersion"]:
            check_istio(overlay, d, schemas)
        elif d["kind"] in CORE_VERSIONS:
            check(d["apiVersion"] == CORE_VERSIONS[d["kind"]], f"{overlay} {name_of(d)}",
                  f"apiVersion {CORE_VERSIONS[d['kind']]}")
            if d["kind"] != "Namespace":
                check(bool(d["metadata"].get("namespace")), f"{overlay} {name_of(d)}", "has a namespace")
        else:
            check(False, f"{overlay} {name_of(d)}", "a kind this check knows")

    secrets = {s["metadata"]["name"] for s in by_kind.get("Secret", [])}
    sas = {s["metadata"]["name"]: s for s in by_kind.get("ServiceAccount", [])}
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    for d in deployments.values():
        check_deployment(overlay, d, secrets, sas)
    for s in by_kind.get("Service", []):
        targets = [d for d in deployments.values()
                   if all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in s["spec"]["selector"].items())]
        cports = {p.get("name") for d in targets for c in d["spec"]["template"]["spec"]["containers"] for p in c["ports"]}
        check(bool(targets) and all(p.get("targetPort") in cports and p.get("name") for p in s["spec"]["ports"]),
              f"{overlay} {name_of(s)}", "selects a Deployment; named ports target container ports")
    for kind, field in (("PodDisruptionBudget", "selector"), ("HorizontalPodAutoscaler", "scaleTargetRef")):
        for o in by_kind.get(kind, []):
            spec = o["spec"]
            if kind == "HorizontalPodAutoscaler":
                ok = spec["scaleTargetRef"]["name"] in deployments and spec.get("minReplicas", 1) >= 2 \
                     and spec["maxReplicas"] >= spec["minReplicas"] and spec.get("metrics")
                what = "targets a rendered Deployment, minReplicas >= 2, metrics set"
            else:
                ok = any(all(d["spec"]["template"]["metadata"]["labels"].get(k) == v
                             for k, v in spec["selector"]["matchLabels"].items()) for d in deployments.values())
                what = "selects a rendered Deployment's pods"
            check(bool(ok), f"{overlay} {name_of(o)}", what)
    pas = by_kind.get("PeerAuthentication", [])
    check(any(p["spec"].get("mtls", {}).get("mode") == "STRICT" for p in pas), overlay, "PeerAuthentication STRICT")

    plugins = by_kind.get("WasmPlugin", [])
    check(len(plugins) >= 2, overlay, "WasmPlugins for the gateway and for sidecars")
    for p in plugins:
        check_wasmplugin(overlay, p)
    configs = [p["spec"].get("pluginConfig") for p in plugins]
    if not check(bool(configs) and all(c == configs[0] for c in configs), overlay,
                 "every WasmPlugin carries the same pluginConfig"):
        return
    vault = configs[0].get("gateway", {}).get("vault", {})
    services = {f"outbound|{port['port']}||{s['metadata']['name']}.{s['metadata']['namespace']}.svc.cluster.local"
                for s in by_kind.get("Service", []) for port in s["spec"]["ports"]}
    check(vault.get("cluster") in services, overlay,
          "pluginConfig gateway.vault.cluster is Istio's cluster for a rendered Service", vault.get("cluster"))
    principals = [pr for a in by_kind.get("AuthorizationPolicy", []) for r in a["spec"].get("rules", [])
                  for f in r.get("from", []) for pr in f.get("source", {}).get("principals", [])]
    check(any("istio-egressgateway" in pr for pr in principals), overlay,
          "AuthorizationPolicy lets the egress gateway call the vault")
    hosts = {h for s in by_kind.get("ServiceEntry", []) for h in s["spec"]["hosts"]}
    for dr in by_kind.get("DestinationRule", []):
        check(dr["spec"]["host"] in hosts, f"{overlay} {name_of(dr)}", "host is declared by a ServiceEntry")
    check_no_path_around_veil(overlay, by_kind)
    check_identity(overlay, by_kind, configs[0].get("gateway", {}))

    path = os.path.join(plugin_dir, f"{overlay}.json")
    text = json.dumps(configs[0], indent=2, sort_keys=True) + "\n"
    if update:
        with open(path, "w") as f:
            f.write(text)
    current = open(path).read() if os.path.exists(path) else None
    check(current == text, overlay, f"istio/plugin-config/{overlay}.json is the rendered pluginConfig",
          "stale: run scripts/istio-check --update")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crds", required=True)
    ap.add_argument("--plugin-config-dir", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("rendered", nargs="+", help="OVERLAY=FILE")
    a = ap.parse_args()
    schemas = load_crds(a.crds)
    check(len(schemas) > 0, "crds", f"schemas loaded from {a.crds}")
    for item in a.rendered:
        overlay, path = item.split("=", 1)
        docs = [d for d in yaml.safe_load_all(open(path)) if d]
        check_overlay(overlay, docs, schemas, a.plugin_config_dir, a.update)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
