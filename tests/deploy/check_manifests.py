#!/usr/bin/env python3
"""Static checks of the Kubernetes manifests in deploy/k8s.

Usage: check_manifests.py <repository root>

Loads every YAML file under deploy/k8s and checks what a broken manifest
would otherwise only show on a cluster: probes, resources and security
settings of every container, the RocksDB volume of every StatefulSet, a
Service and a PodDisruptionBudget for every domain service, probe ports that
exist, environment variables the binaries actually read (taken from the
ABSL_FLAG definitions in the sources), the six Kafka topics, and a
kustomization.yaml that lists every file.

Prints one line per problem ("<file>: <Kind>/<name>: <problem>") and exits
with 1 if there is any, 0 otherwise; 2 when it cannot run at all.
"""

import os
import re
import sys

try:
    import yaml
except ImportError:
    print("check_manifests: PyYAML is not installed; install the Debian package "
          "python3-yaml (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(2)

NAMESPACE = "pharmacrm"
GATEWAY = "gateway"
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass",
                  "PriorityClass", "CustomResourceDefinition", "PersistentVolume"}
WORKLOADS = {"Deployment", "StatefulSet"}
# Domain-service env vars that must come from the manifests: without them the
# binaries fall back to defaults that are wrong on Kubernetes.
DOMAIN_REQUIRED_ENV = ["PHARMACRM_KAFKA_BOOTSTRAP", "PHARMACRM_DATA_DIR", "PHARMACRM_INSTANCE_ID"]
GATEWAY_ADDR_FLAGS = ["customer_master_addr", "sales_pipeline_addr", "campaigns_addr",
                      "service_desk_addr", "value_scoring_addr"]

FLAG_RE = re.compile(r"ABSL_FLAG\(\s*([^,]+?)\s*,\s*(\w+)\s*,\s*(.+?)\s*,\s*\"", re.S)
DEFAULTS_RE = re.compile(r"HostDefaults\s+kDefaults\s*\{\s*\"([\w-]+)\"\s*,\s*(\d+)\s*,\s*(\d+)\s*\}")
TOPIC_RE = re.compile(r"k\w+Topic\s*=\s*\"([^\"]+)\"")
IMAGE_RE = re.compile(r"^(?:.*/)?pharmacrm/([a-z0-9-]+)(?::[\w.-]+)?(?:@.*)?$")


class Checker:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.k8s = os.path.join(self.root, "deploy", "k8s")
        self.problems = []
        self.objects = []  # (relative file, object)

    # -- reporting ---------------------------------------------------------

    def problem(self, where, obj, message):
        if obj is None:
            name = "-"
        else:
            meta = obj.get("metadata") or {}
            name = "%s/%s" % (obj.get("kind", "?"), meta.get("name", "-"))
        self.problems.append("%s: %s: %s" % (where, name, message))

    def rel(self, path):
        return os.path.relpath(path, self.root)

    # -- what the sources say ----------------------------------------------

    def read(self, path):
        try:
            with open(os.path.join(self.root, path), encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            self.problem(path, None, "cannot read source file: %s" % e.strerror)
            return ""

    def source_files(self, folder):
        out = []
        for dirpath, _, files in os.walk(os.path.join(self.root, folder)):
            for f in sorted(files):
                if f.endswith((".cc", ".h")) and not f.endswith("_test.cc"):
                    out.append(self.rel(os.path.join(dirpath, f)))
        return sorted(out)

    def flags_of(self, paths):
        flags = {}
        for p in paths:
            for _, name, default in FLAG_RE.findall(self.read(p)):
                flags[name] = default.strip().strip('"')
        return flags

    def load_sources(self):
        services = os.path.join(self.root, "services")
        self.domain = {}  # service -> {"flags": {...}, "grpc": port, "admin": port}
        self.gateway = None
        if not os.path.isdir(services):
            self.problem("services", None, "no services/ folder under %s" % self.root)
            return
        host_flags = self.flags_of(["libs/runtime/src/host.cc", "libs/core/src/crash.cc"])
        for name in sorted(os.listdir(services)):
            main = os.path.join(services, name, "main.cc")
            if not os.path.isfile(main):
                continue
            text = self.read(self.rel(main))
            files = self.source_files(os.path.join("services", name))
            if "ServiceMain(" in text:
                flags = dict(host_flags)
                flags.update(self.flags_of(files))
                grpc = admin = None
                for f in files:
                    for svc, g, a in DEFAULTS_RE.findall(self.read(f)):
                        if svc == name:
                            grpc, admin = int(g), int(a)
                self.domain[name] = {"flags": flags, "grpc": grpc, "admin": admin}
            elif "GatewayMain(" in text:
                self.gateway = {"name": name, "flags": self.flags_of(files)}
        for name, info in self.domain.items():
            for flag in ("grpc_port", "admin_port", "data_dir", "kafka_bootstrap", "instance_id"):
                if flag not in info["flags"]:
                    self.problem("services/" + name, None,
                                 "flag --%s not found in the sources: cannot check env vars" % flag)
        if not self.domain:
            self.problem("services", None, "no domain service (main.cc calling ServiceMain) found")
        if self.gateway is None:
            self.problem("services", None, "no gateway (main.cc calling GatewayMain) found")
        else:
            for flag in ["grpc_port", "http_port", "admin_port"] + GATEWAY_ADDR_FLAGS:
                if flag not in self.gateway["flags"]:
                    self.problem("services/" + self.gateway["name"], None,
                                 "flag --%s not found in the sources" % flag)
        self.topics = TOPIC_RE.findall(self.read("libs/bus/include/pharmacrm/bus/kafka.h"))
        if len(self.topics) != 6:
            self.problem("libs/bus/include/pharmacrm/bus/kafka.h", None,
                         "expected the six topic names, found %d" % len(self.topics))

    def known_env(self, service):
        if service == GATEWAY:
            flags = self.gateway["flags"] if self.gateway else {}
        else:
            flags = self.domain[service]["flags"]
        return {"PHARMACRM_" + f.upper(): d for f, d in flags.items()}

    # -- loading -----------------------------------------------------------

    def yaml_files(self):
        out = []
        for dirpath, _, files in os.walk(self.k8s):
            for f in files:
                if f.endswith((".yaml", ".yml")):
                    out.append(os.path.join(dirpath, f))
        return sorted(out)

    def load_manifests(self):
        if not os.path.isdir(self.k8s):
            self.problem(self.rel(self.k8s), None, "folder is missing")
            return
        for path in self.yaml_files():
            where = self.rel(path)
            try:
                with open(path, encoding="utf-8") as f:
                    docs = list(yaml.safe_load_all(f))
            except (OSError, yaml.YAMLError) as e:
                self.problem(where, None, "cannot parse: %s" % str(e).replace("\n", " "))
                continue
            for doc in docs:
                if doc is None:
                    continue
                if not isinstance(doc, dict) or not doc.get("kind") or not doc.get("apiVersion"):
                    self.problem(where, None, "document without apiVersion and kind")
                    continue
                if not (doc.get("metadata") or {}).get("name") and doc["kind"] != "Kustomization":
                    self.problem(where, doc, "no metadata.name")
                    continue
                self.objects.append((where, doc))

    def of_kind(self, kind):
        return [(w, o) for w, o in self.objects if o["kind"] == kind]

    def find(self, kind, name):
        for w, o in self.objects:
            if o["kind"] == kind and o["metadata"].get("name") == name:
                return w, o
        return None, None

    # -- checks ------------------------------------------------------------

    def check_kustomization(self):
        path = os.path.join(self.k8s, "kustomization.yaml")
        where = self.rel(path)
        kust = [o for w, o in self.objects if w == where]
        if not kust:
            self.problem(where, None, "missing: deploy/k8s must be a kustomize base")
            return
        resources = kust[0].get("resources") or []
        covered = set()
        for r in resources:
            target = os.path.normpath(os.path.join(self.k8s, str(r)))
            if os.path.isdir(target):
                covered.update(p for p in self.yaml_files() if p.startswith(target + os.sep))
            elif os.path.isfile(target):
                covered.add(target)
            else:
                self.problem(where, kust[0], "lists %s, which does not exist" % r)
        for p in self.yaml_files():
            if os.path.basename(p) in ("kustomization.yaml", "kustomization.yml"):
                continue
            if p not in covered:
                self.problem(self.rel(p), None, "not listed in %s resources" % where)
        ns = kust[0].get("namespace")
        if ns is not None and ns != NAMESPACE:
            self.problem(where, kust[0], "namespace is %r, expected %r" % (ns, NAMESPACE))

    def check_namespaces(self):
        if not self.find("Namespace", NAMESPACE)[1]:
            self.problem(self.rel(self.k8s), None, "no Namespace %s" % NAMESPACE)
        for w, o in self.objects:
            if o["kind"] in CLUSTER_SCOPED or o["kind"] == "Kustomization":
                continue
            ns = o["metadata"].get("namespace")
            if ns is not None and ns != NAMESPACE:
                self.problem(w, o, "namespace is %r, expected %r" % (ns, NAMESPACE))

    def check_configmaps(self):
        for w, o in self.of_kind("ConfigMap"):
            for k, v in (o.get("data") or {}).items():
                if not isinstance(v, str):
                    self.problem(w, o, "data.%s is not a string (quote it)" % k)

    def effective_env(self, where, obj, container):
        """Returns {name: value or ("fieldRef", path) or None}; checks every name."""
        service = container["_service"]
        known = self.known_env(service)
        env = {}
        for src in container.get("envFrom") or []:
            prefix = src.get("prefix", "")
            ref = src.get("configMapRef") or src.get("secretRef")
            kind = "ConfigMap" if "configMapRef" in src else "Secret"
            _, target = self.find(kind, (ref or {}).get("name"))
            if target is None:
                self.problem(where, obj, "container %s: envFrom %s %s is not in deploy/k8s" %
                             (container["name"], kind, (ref or {}).get("name")))
                continue
            data = dict(target.get("data") or {})
            data.update(target.get("stringData") or {})
            for k, v in data.items():
                env[prefix + k] = v
                if prefix + k not in known:
                    self.problem(where, obj, "container %s: %s (from %s %s) is not a flag of %s" %
                                 (container["name"], prefix + k, kind, target["metadata"]["name"],
                                  service))
        for e in container.get("env") or []:
            name = e.get("name")
            if name not in known:
                self.problem(where, obj, "container %s: env %s is not a flag of %s" %
                             (container["name"], name, service))
            if "value" in e:
                if not isinstance(e["value"], str):
                    self.problem(where, obj, "container %s: env %s value is not a string" %
                                 (container["name"], name))
                env[name] = str(e["value"])
            else:
                field = ((e.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
                env[name] = ("fieldRef", field) if field else None
        return env

    def port_of(self, container, env_name, service):
        """The port the binary listens on: its env var, else the source default."""
        known = self.known_env(service)
        value = container["_env"].get(env_name, known.get(env_name))
        if service != GATEWAY and env_name in ("PHARMACRM_GRPC_PORT", "PHARMACRM_ADMIN_PORT") \
                and (value is None or str(value).strip() == "-1"):
            key = "grpc" if env_name == "PHARMACRM_GRPC_PORT" else "admin"
            value = self.domain[service][key]
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def check_probe_ports(self, where, obj, c, ports_by_name, port_numbers):
        for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
            probe = c.get(probe_name)
            if not probe:
                continue
            for handler in ("httpGet", "tcpSocket", "grpc"):
                if handler not in probe:
                    continue
                port = (probe[handler] or {}).get("port")
                if handler == "grpc" and not isinstance(port, int):
                    self.problem(where, obj, "container %s: %s grpc port must be a number, got %r" %
                                 (c["name"], probe_name, port))
                elif isinstance(port, str) and port not in ports_by_name:
                    self.problem(where, obj, "container %s: %s port %r is not a container port" %
                                 (c["name"], probe_name, port))
                elif isinstance(port, int) and port not in port_numbers:
                    self.problem(where, obj, "container %s: %s port %d is not a container port" %
                                 (c["name"], probe_name, port))

    def check_security(self, where, obj, pod, c):
        psc = pod.get("securityContext") or {}
        sc = c.get("securityContext") or {}
        name = c["name"]
        if sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is not True:
            self.problem(where, obj, "container %s: runAsNonRoot is not true" % name)
        if sc.get("runAsUser", psc.get("runAsUser")) == 0:
            self.problem(where, obj, "container %s: runs as uid 0" % name)
        if sc.get("readOnlyRootFilesystem") is not True:
            self.problem(where, obj, "container %s: readOnlyRootFilesystem is not true" % name)
        if sc.get("allowPrivilegeEscalation") is not False:
            self.problem(where, obj, "container %s: allowPrivilegeEscalation is not false" % name)
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            self.problem(where, obj, "container %s: capabilities do not drop ALL" % name)
        if (sc.get("capabilities") or {}).get("add"):
            self.problem(where, obj, "container %s: adds capabilities" % name)
        seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            self.problem(where, obj, "container %s: no seccompProfile RuntimeDefault" % name)

    def check_workloads(self):
        self.pods = {}  # service -> (where, workload, pod labels, container)
        for where, obj in self.objects:
            if obj["kind"] not in WORKLOADS:
                continue
            spec = obj.get("spec") or {}
            template = spec.get("template") or {}
            pod = template.get("spec") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            annotations = (template.get("metadata") or {}).get("annotations") or {}
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            if not selector or any(labels.get(k) != v for k, v in selector.items()):
                self.problem(where, obj, "selector.matchLabels does not match the pod labels")
            if pod.get("enableServiceLinks") is not False:
                self.problem(where, obj, "enableServiceLinks is not false (service link variables "
                             "named PHARMACRM_* would be read as flags)")
            containers = pod.get("containers") or []
            if not containers:
                self.problem(where, obj, "no containers")
            for c in (pod.get("initContainers") or []):
                self.check_security(where, obj, pod, c)
            for c in containers:
                self.check_container(where, obj, pod, labels, annotations, c)

    def check_container(self, where, obj, pod, labels, annotations, c):
        name = c.get("name", "?")
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            if not c.get(probe):
                self.problem(where, obj, "container %s: no %s" % (name, probe))
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if not (res.get(part) or {}).get(r):
                    self.problem(where, obj, "container %s: no resources.%s.%s" % (name, part, r))
        self.check_security(where, obj, pod, c)
        ports = c.get("ports") or []
        ports_by_name = {p.get("name"): p.get("containerPort") for p in ports if p.get("name")}
        port_numbers = {p.get("containerPort") for p in ports}
        self.check_probe_ports(where, obj, c, ports_by_name, port_numbers)

        m = IMAGE_RE.match(str(c.get("image", "")))
        service = m.group(1) if m else None
        if service != GATEWAY and service not in self.domain:
            self.problem(where, obj, "container %s: image %r is not pharmacrm/<service> of a "
                         "service under services/" % (name, c.get("image")))
            return
        c["_service"] = service
        c["_env"] = self.effective_env(where, obj, c)
        if service in self.pods:
            self.problem(where, obj, "second workload for %s (also in %s)" %
                         (service, self.pods[service][0]))
        self.pods[service] = (where, obj, labels, c)

        # The ports the binary listens on are the container ports of that name.
        wanted = {"grpc": "PHARMACRM_GRPC_PORT", "admin": "PHARMACRM_ADMIN_PORT"}
        if service == GATEWAY:
            wanted["http"] = "PHARMACRM_HTTP_PORT"
        for port_name, env_name in wanted.items():
            listens = self.port_of(c, env_name, service)
            if ports_by_name.get(port_name) != listens:
                self.problem(where, obj, "container %s: port %r is %s but %s listens on %s" %
                             (name, port_name, ports_by_name.get(port_name), service, listens))

        admin = ports_by_name.get("admin")
        if annotations.get("prometheus.io/scrape") != "true":
            self.problem(where, obj, "pod annotation prometheus.io/scrape is not \"true\"")
        if str(annotations.get("prometheus.io/port")) != str(admin):
            self.problem(where, obj, "pod annotation prometheus.io/port is not the admin port %s" %
                         admin)
        if annotations.get("prometheus.io/path") != "/metrics":
            self.problem(where, obj, "pod annotation prometheus.io/path is not /metrics")

        grace = pod.get("terminationGracePeriodSeconds", 30)
        if service == GATEWAY:
            if obj["kind"] != "Deployment":
                self.problem(where, obj, "the gateway is stateless: expected a Deployment")
            if grace <= 5:  # gRPC drain of the gateway (services/gateway/app.cc)
                self.problem(where, obj, "terminationGracePeriodSeconds %s does not cover the "
                             "gateway's 5 s gRPC drain" % grace)
            for flag in GATEWAY_ADDR_FLAGS:
                self.check_addr(where, obj, c, "PHARMACRM_" + flag.upper())
            return

        # Domain service.
        if obj["kind"] != "StatefulSet":
            self.problem(where, obj, "domain service %s must be a StatefulSet (RocksDB state)" %
                         service)
            return
        env = c["_env"]
        known = self.known_env(service)
        for var in DOMAIN_REQUIRED_ENV:
            if var not in env:
                self.problem(where, obj, "container %s: %s is not set" % (name, var))
        if "PHARMACRM_CRASH_AT" in env:
            self.problem(where, obj, "container %s: PHARMACRM_CRASH_AT is for tests only" % name)
        if env.get("PHARMACRM_INSTANCE_ID") not in (None, ("fieldRef", "metadata.name")):
            self.problem(where, obj, "container %s: PHARMACRM_INSTANCE_ID must come from "
                         "fieldRef metadata.name (static group membership)" % name)
        try:
            grace_ms = int(env.get("PHARMACRM_SHUTDOWN_GRACE_MS",
                                   known.get("PHARMACRM_SHUTDOWN_GRACE_MS")))
            # Two phases may each take the whole grace: gRPC drain, relay flush.
            if grace * 1000 <= 2 * grace_ms:
                self.problem(where, obj, "terminationGracePeriodSeconds %s is not above twice "
                             "PHARMACRM_SHUTDOWN_GRACE_MS (%d ms)" % (grace, grace_ms))
        except (TypeError, ValueError):
            self.problem(where, obj, "PHARMACRM_SHUTDOWN_GRACE_MS is not a number")
        startup = c.get("startupProbe") or {}
        try:
            wait_ms = int(env.get("PHARMACRM_KAFKA_WAIT_MS", known.get("PHARMACRM_KAFKA_WAIT_MS")))
            budget = startup.get("initialDelaySeconds", 0) + \
                startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
            if startup and budget * 1000 <= wait_ms:
                self.problem(where, obj, "startupProbe allows %d s, not above "
                             "PHARMACRM_KAFKA_WAIT_MS (%d ms)" % (budget, wait_ms))
        except (TypeError, ValueError):
            self.problem(where, obj, "PHARMACRM_KAFKA_WAIT_MS is not a number")

        spec = obj["spec"]
        if spec.get("replicas", 1) != 1:
            self.problem(where, obj, "replicas must be 1: a replica owns its RocksDB and its "
                         "partitions; there is no partition-aware routing yet")
        claims = {(t.get("metadata") or {}).get("name") for t in spec.get("volumeClaimTemplates") or []}
        if not claims:
            self.problem(where, obj, "no volumeClaimTemplates (RocksDB would be lost on restart)")
        data_dir = env.get("PHARMACRM_DATA_DIR")
        if isinstance(data_dir, str):
            mounts = [m for m in c.get("volumeMounts") or [] if m.get("name") in claims]
            under = [m for m in mounts
                     if data_dir.rstrip("/") == m.get("mountPath", "").rstrip("/") or
                     data_dir.startswith(m.get("mountPath", "").rstrip("/") + "/")]
            if not under:
                self.problem(where, obj, "container %s: PHARMACRM_DATA_DIR %s is not on a "
                             "volumeClaimTemplate mount" % (name, data_dir))
        headless, svc = self.find("Service", spec.get("serviceName"))
        if svc is None or (svc.get("spec") or {}).get("clusterIP") != "None":
            self.problem(where, obj, "serviceName %r is not a headless Service in deploy/k8s" %
                         spec.get("serviceName"))

    def check_addr(self, where, obj, c, var):
        value = c["_env"].get(var)
        if not isinstance(value, str):
            self.problem(where, obj, "container %s: %s is not set (the default 127.0.0.1 is "
                         "wrong in a pod)" % (c["name"], var))
            return
        host, _, port = value.rpartition(":")
        svc_name = host.split(".")[0]
        sw, svc = self.find("Service", svc_name)
        if svc is None:
            self.problem(where, obj, "container %s: %s=%s names no Service in deploy/k8s" %
                         (c["name"], var, value))
            return
        if not any(str(p.get("port")) == port for p in (svc.get("spec") or {}).get("ports") or []):
            self.problem(where, obj, "container %s: %s=%s: Service %s has no port %s" %
                         (c["name"], var, value, svc_name, port))

    def selects(self, selector, labels):
        return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

    def check_domain_services(self):
        services = dict(self.domain)
        if self.gateway:
            services[GATEWAY] = None
        where_k8s = self.rel(self.k8s)
        for service in sorted(services):
            if service not in self.pods:
                kind = "Deployment" if service == GATEWAY else "StatefulSet"
                self.problem(where_k8s, None, "no %s running image pharmacrm/%s" % (kind, service))
                continue
            where, obj, labels, c = self.pods[service]
            grpc = (c.get("ports") and {p.get("name"): p.get("containerPort")
                                        for p in c["ports"]}.get("grpc"))
            has_service = False
            for sw, svc in self.of_kind("Service"):
                spec = svc.get("spec") or {}
                if spec.get("clusterIP") == "None" or not self.selects(spec.get("selector"), labels):
                    continue
                if any(p.get("targetPort") in ("grpc", grpc) for p in spec.get("ports") or []):
                    has_service = True
            if not has_service:
                self.problem(where, obj, "no ClusterIP Service selects its pods on the gRPC port")
            pdbs = [(pw, p) for pw, p in self.of_kind("PodDisruptionBudget")
                    if self.selects(((p.get("spec") or {}).get("selector") or {}).get("matchLabels"),
                                    labels)]
            if not pdbs:
                self.problem(where, obj, "no PodDisruptionBudget selects its pods")
            for pw, p in pdbs:
                if (p.get("spec") or {}).get("maxUnavailable") != 1:
                    self.problem(pw, p, "expected maxUnavailable: 1 (minAvailable on a single "
                                 "replica blocks node drains)")
            if service == GATEWAY:
                hpas = [h for _, h in self.of_kind("HorizontalPodAutoscaler")
                        if ((h.get("spec") or {}).get("scaleTargetRef") or {}).get("name") ==
                        obj["metadata"]["name"]]
                if not hpas:
                    self.problem(where, obj, "no HorizontalPodAutoscaler targets it")

    def check_network_policies(self):
        policies = self.of_kind("NetworkPolicy")
        deny = [p for _, p in policies
                if not (p.get("spec") or {}).get("podSelector")
                and "Ingress" in ((p.get("spec") or {}).get("policyTypes") or [])
                and not (p.get("spec") or {}).get("ingress")]
        if not deny:
            self.problem(self.rel(self.k8s), None, "no default-deny ingress NetworkPolicy")

    def check_topics(self):
        settings = {}
        for service in self.domain:
            if service in self.pods:
                env = self.pods[service][3].get("_env") or {}
                for var in ("PHARMACRM_PARTITIONS", "PHARMACRM_REPLICATION_FACTOR"):
                    value = env.get(var, self.known_env(service).get(var))
                    settings.setdefault(var, set()).add(value)
        for var, values in settings.items():
            if len(values) != 1:
                self.problem(self.rel(self.k8s), None, "domain services disagree on %s: %s" %
                             (var, sorted(map(str, values))))
        partitions = next(iter(settings.get("PHARMACRM_PARTITIONS", {None})))
        replicas = next(iter(settings.get("PHARMACRM_REPLICATION_FACTOR", {None})))
        found = {}
        for w, t in self.of_kind("KafkaTopic"):
            spec = t.get("spec") or {}
            topic = spec.get("topicName") or t["metadata"]["name"]
            found[topic] = (w, t)
            if t.get("apiVersion") != "kafka.strimzi.io/v1beta2":
                self.problem(w, t, "apiVersion is not kafka.strimzi.io/v1beta2")
            if not (t["metadata"].get("labels") or {}).get("strimzi.io/cluster"):
                self.problem(w, t, "no strimzi.io/cluster label: no Topic Operator will see it")
            if topic not in self.topics:
                self.problem(w, t, "topic %s is not one of the topics in libs/bus" % topic)
            if partitions is not None and str(spec.get("partitions")) != str(partitions):
                self.problem(w, t, "partitions %s differ from PHARMACRM_PARTITIONS %s" %
                             (spec.get("partitions"), partitions))
            if replicas is not None and str(spec.get("replicas")) != str(replicas):
                self.problem(w, t, "replicas %s differ from PHARMACRM_REPLICATION_FACTOR %s" %
                             (spec.get("replicas"), replicas))
            config = spec.get("config") or {}
            try:
                misr = int(config.get("min.insync.replicas"))
                if not 1 < misr < int(spec.get("replicas")):
                    self.problem(w, t, "min.insync.replicas %d must be above 1 and below "
                                 "replicas" % misr)
            except (TypeError, ValueError):
                self.problem(w, t, "no numeric min.insync.replicas and replicas")
            if "retention.ms" not in config:
                self.problem(w, t, "no retention.ms")
        for topic in self.topics:
            if topic not in found:
                self.problem(self.rel(self.k8s), None, "no KafkaTopic for %s" % topic)

        def retention(topic):
            try:
                ms = int((found[topic][1]["spec"].get("config") or {}).get("retention.ms"))
                return float("inf") if ms < 0 else ms
            except (KeyError, TypeError, ValueError):
                return None
        dlq = [t for t in self.topics if ".dlq." in t]
        for d in dlq:
            for t in self.topics:
                if t in dlq or retention(d) is None or retention(t) is None:
                    continue
                if retention(d) <= retention(t):
                    w, obj = found[d]
                    self.problem(w, obj, "retention.ms of %s is not longer than that of %s" % (d, t))

    def run(self):
        self.load_sources()
        self.load_manifests()
        self.check_kustomization()
        self.check_namespaces()
        self.check_configmaps()
        self.check_workloads()
        self.check_domain_services()
        self.check_network_policies()
        self.check_topics()
        return self.problems


def main(argv):
    if len(argv) != 2:
        print("usage: check_manifests.py <repository root>", file=sys.stderr)
        return 2
    checker = Checker(argv[1])
    problems = checker.run()
    for p in problems:
        print(p)
    if problems:
        print("check_manifests: %d problem(s)" % len(problems), file=sys.stderr)
        return 1
    print("check_manifests: %d objects in %d files under deploy/k8s: no problems" %
          (len(checker.objects), len(checker.yaml_files())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
