/**
 * The ten real-world projects of issue 8 (test/fixtures/realworld/, sources and licences in its
 * README) through the built CLI, as a user runs it:
 *
 * - each project's `check --format json` findings as a golden (`test/golden/realworld_<project>.txt`,
 *   one line per finding: path:line severity code message; `UPDATE_GOLDEN=1` rewrites them);
 * - expectations worked out by hand from the manifests with the Kubernetes semantics (`explain`
 *   verdicts, findings that must or must not be there, workloads that must or must not exist),
 *   each with the reason in a comment;
 * - `KNOWN-WRONG.md` beside the corpus lists the expectations today's output fails. The list must
 *   be exact: a fixed case fails this test until its line is removed, so fixes show up here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const CORPUS = join(ROOT, 'test', 'fixtures', 'realworld');

interface Project {
  name: string;
  paths: string[];
}
const PROJECTS = JSON.parse(readFileSync(join(CORPUS, 'projects.json'), 'utf8')) as Project[];
const pathsOf = (name: string): string[] => {
  const p = PROJECTS.find((x) => x.name === name);
  assert.ok(p, `unknown project ${name}`);
  return p.paths;
};

interface Finding {
  path: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: CORPUS,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const findingsCache = new Map<string, Finding[]>();
/** `check --format json` of a project (with more arguments, e.g. `--namespace argocd`). */
function findings(project: string, extra: readonly string[] = []): Finding[] {
  const key = [project, ...extra].join('\u0000');
  const cached = findingsCache.get(key);
  if (cached) return cached;
  const r = run(['check', '--format', 'json', ...pathsOf(project), ...extra]);
  assert.ok(r.code === 0 || r.code === 1, `check ${project} exited ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Finding[];
  findingsCache.set(key, out);
  return out;
}

/** The workload ids `reach` lists for these paths, or the CLI's complaint. */
function workloads(paths: string[]): string[] | string {
  const r = run(['reach', '--format', 'json', ...paths]);
  if (r.code !== 0) return `reach exited ${r.code}: ${r.stderr.trim()}`;
  return (JSON.parse(r.stdout) as { workloads: Array<{ id: string }> }).workloads.map((w) => w.id);
}

type Expectation =
  | {
      id: string;
      kind: 'explain';
      project: string;
      /** Narrower paths than the project's (relative to the corpus folder), when the pair needs them. */
      paths?: string[];
      /** More arguments, e.g. --cluster. */
      extra?: string[];
      src: string;
      dst: string;
      port: string;
      verdict: 'ALLOWED' | 'DENIED';
      /** Text the output must also contain. */
      mentions?: string[];
    }
  | {
      id: string;
      kind: 'finding';
      project: string;
      present: boolean;
      code: string;
      /** The finding's path starts with this (relative to the corpus folder). */
      path: string;
      messageIncludes?: string;
      /** More arguments of check, e.g. --namespace. */
      extra?: string[];
    }
  | {
      id: string;
      kind: 'workload';
      project: string;
      paths?: string[];
      extra?: string[];
      present: boolean;
      workload: string;
    };

/** Why each verdict holds is said next to it; ids are `<project>:<what>`. */
const EXPECTATIONS: Expectation[] = [
  // kube-prometheus. Every policy has `egress: [{}]` (egress open) and admits ingress from pods
  // labeled app.kubernetes.io/name=prometheus; those pods are made by the operator from the
  // Prometheus CR `k8s` (StatefulSet prometheus-k8s, spec.podMetadata.labels).
  {
    id: 'kube-prometheus:explain:grafana->kube-state-metrics:8443',
    kind: 'explain',
    project: 'kube-prometheus',
    // kube-state-metrics' policy admits only app.kubernetes.io/name=prometheus on 8443/9443.
    src: 'monitoring/grafana[Deployment]',
    dst: 'monitoring/kube-state-metrics[Deployment]',
    port: '8443/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'kube-prometheus:explain:blackbox-exporter->grafana:3000',
    kind: 'explain',
    project: 'kube-prometheus',
    // grafana's policy admits only the prometheus pods on 3000.
    src: 'monitoring/blackbox-exporter[Deployment]',
    dst: 'monitoring/grafana[Deployment]',
    port: '3000/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'kube-prometheus:explain:prometheus-k8s->kube-state-metrics:8443',
    kind: 'explain',
    project: 'kube-prometheus',
    // The Prometheus pods carry app.kubernetes.io/name=prometheus (podMetadata): admitted on 8443.
    src: 'monitoring/prometheus-k8s[StatefulSet]',
    dst: 'monitoring/kube-state-metrics[Deployment]',
    port: '8443/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kube-prometheus:explain:grafana->prometheus-k8s:9090',
    kind: 'explain',
    project: 'kube-prometheus',
    // prometheus-k8s' policy has an ingress rule from app.kubernetes.io/name=grafana on 9090.
    src: 'monitoring/grafana[Deployment]',
    dst: 'monitoring/prometheus-k8s[StatefulSet]',
    port: '9090/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kube-prometheus:no-pod-selector-matches-nothing',
    kind: 'finding',
    project: 'kube-prometheus',
    // The prometheus and alertmanager peers match the operator's pods.
    present: false,
    code: 'pod-selector-matches-nothing',
    path: 'kube-prometheus/',
  },
  {
    id: 'kube-prometheus:no-policy-selects-no-pods',
    kind: 'finding',
    project: 'kube-prometheus',
    // prometheus-k8s and alertmanager-main select the operator's StatefulSets.
    present: false,
    code: 'policy-selects-no-pods',
    path: 'kube-prometheus/',
  },
  {
    id: 'kube-prometheus:host-network-node-exporter',
    kind: 'finding',
    project: 'kube-prometheus',
    // node-exporter's DaemonSet has hostNetwork: true and its policy selects it.
    present: true,
    code: 'host-network-pod-selected',
    path: 'kube-prometheus/manifests/nodeExporter-networkPolicy.yaml',
  },

  // argo-cd: namespace-install.yaml without metadata.namespace, so in "default" as applied
  // without -n; every policy is ingress-only.
  {
    id: 'argo-cd:explain:server->repo-server:8081',
    kind: 'explain',
    project: 'argo-cd',
    // repo-server admits argocd-server on 8081.
    src: 'default/argocd-server[Deployment]',
    dst: 'default/argocd-repo-server[Deployment]',
    port: '8081/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'argo-cd:explain:dex-server->redis:6379',
    kind: 'explain',
    project: 'argo-cd',
    // redis admits only server, repo-server and application-controller.
    src: 'default/argocd-dex-server[Deployment]',
    dst: 'default/argocd-redis[Deployment]',
    port: '6379/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'argo-cd:explain:notifications->application-controller:8082',
    kind: 'explain',
    project: 'argo-cd',
    // application-controller admits every pod of every namespace on 8082 (protocol defaults to TCP).
    src: 'default/argocd-notifications-controller[Deployment]',
    dst: 'default/argocd-application-controller[StatefulSet]',
    port: '8082/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'argo-cd:explain:repo-server->dex-server:5556',
    kind: 'explain',
    project: 'argo-cd',
    // dex admits 5556/5557 only from argocd-server (5558 from everywhere in the cluster).
    src: 'default/argocd-repo-server[Deployment]',
    dst: 'default/argocd-dex-server[Deployment]',
    port: '5556/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'argo-cd:explain:external->repo-server:8084',
    kind: 'explain',
    project: 'argo-cd',
    // namespaceSelector: {} admits pods of every namespace, never an address outside the cluster.
    src: '203.0.113.10',
    dst: 'default/argocd-repo-server[Deployment]',
    port: '8084/TCP',
    verdict: 'DENIED',
  },

  // Argo CD's install manifests are applied with `kubectl apply -n argocd` (its docs): with
  // --namespace argocd every object is in argocd, the policies' namespace is given, no
  // missing-namespace, and the ids are argocd/… .
  {
    id: 'argo-cd:no-missing-namespace-with-namespace-flag',
    kind: 'finding',
    project: 'argo-cd',
    extra: ['--namespace', 'argocd'],
    present: false,
    code: 'missing-namespace',
    path: 'argo-cd/',
  },
  {
    id: 'argo-cd:missing-namespace-without-namespace-flag',
    kind: 'finding',
    project: 'argo-cd',
    present: true,
    code: 'missing-namespace',
    path: 'argo-cd/manifests/namespace-install.yaml',
    messageIncludes: 'netpol-lens assumes "default"',
  },
  {
    id: 'argo-cd:explain:namespace-flag:server->repo-server:8081',
    kind: 'explain',
    project: 'argo-cd',
    extra: ['--namespace', 'argocd'],
    src: 'argocd/argocd-server[Deployment]',
    dst: 'argocd/argocd-repo-server[Deployment]',
    port: '8081/TCP',
    verdict: 'ALLOWED',
  },

  // online-boutique: deny-all plus one policy per service (egress open for each).
  {
    id: 'online-boutique:explain:frontend->cartservice:7070',
    kind: 'explain',
    project: 'online-boutique',
    src: 'default/frontend[Deployment]',
    dst: 'default/cartservice[Deployment]',
    port: '7070/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'online-boutique:explain:adservice->cartservice:7070',
    kind: 'explain',
    project: 'online-boutique',
    // cartservice admits only frontend and checkoutservice.
    src: 'default/adservice[Deployment]',
    dst: 'default/cartservice[Deployment]',
    port: '7070/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'online-boutique:explain:cartservice->redis-cart:6379',
    kind: 'explain',
    project: 'online-boutique',
    src: 'default/cartservice[Deployment]',
    dst: 'default/redis-cart[Deployment]',
    port: '6379/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'online-boutique:explain:frontend->redis-cart:6379',
    kind: 'explain',
    project: 'online-boutique',
    // redis-cart admits only cartservice.
    src: 'default/frontend[Deployment]',
    dst: 'default/redis-cart[Deployment]',
    port: '6379/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'online-boutique:explain:loadgenerator->frontend:8080',
    kind: 'explain',
    project: 'online-boutique',
    // frontend's policy has `ingress: [{}]`; loadgenerator's egress is `[{}]`.
    src: 'default/loadgenerator[Deployment]',
    dst: 'default/frontend[Deployment]',
    port: '8080/TCP',
    verdict: 'ALLOWED',
  },

  // sock-shop: cortex-access (`podSelector: {matchLabels: null}`, i.e. every pod of sock-shop)
  // admits only name=cortex, which no pod has; cart-access selects name=cart (the pods are
  // name=carts). So carts, carts-db (admits name=cart only), session-db and queue-master (no
  // policy of their own) accept ingress from nowhere. The Namespace annotation is pre-1.7 beta
  // isolation and does nothing.
  {
    id: 'sock-shop:explain:front-end->carts:80',
    kind: 'explain',
    project: 'sock-shop',
    src: 'sock-shop/front-end[Deployment]',
    dst: 'sock-shop/carts[Deployment]',
    port: '80/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'sock-shop:explain:orders->payment:80',
    kind: 'explain',
    project: 'sock-shop',
    src: 'sock-shop/orders[Deployment]',
    dst: 'sock-shop/payment[Deployment]',
    port: '80/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'sock-shop:explain:prometheus->catalogue:80',
    kind: 'explain',
    project: 'sock-shop',
    // catalogue admits front-end (same namespace) and cortex only: monitoring cannot scrape it.
    src: 'monitoring/prometheus-deployment[Deployment]',
    dst: 'sock-shop/catalogue[Deployment]',
    port: '80/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'sock-shop:explain:external->front-end:8079',
    kind: 'explain',
    project: 'sock-shop',
    // front-end-access has a ports-only rule: every source on 8079.
    src: '203.0.113.10',
    dst: 'sock-shop/front-end[Deployment]',
    port: '8079/TCP',
    verdict: 'ALLOWED',
  },
  // Services whose pods no source may reach on the target port (service-unreachable).
  ...[
    ['carts', '02-carts-svc.yml'],
    ['carts-db', '04-carts-db-svc.yaml'],
    ['session-db', '22-session-db-svc.yaml'],
  ].map(([svc, file]): Expectation => ({
    id: `sock-shop:service-unreachable:${svc}`,
    kind: 'finding',
    project: 'sock-shop',
    present: true,
    code: 'service-unreachable',
    path: `sock-shop/deploy/kubernetes/manifests/${file}`,
  })),
  {
    id: 'sock-shop:service-unreachable:queue-master',
    kind: 'finding',
    project: 'sock-shop',
    // queue-master: selected only by cortex-access, so no source reaches port 80 either.
    present: true,
    code: 'service-unreachable',
    path: 'sock-shop/deploy/kubernetes/manifests/18-queue-master-svc.yaml',
  },
  {
    id: 'sock-shop:cart-access-selects-no-pods',
    kind: 'finding',
    project: 'sock-shop',
    // name=cart: the pods are name=carts (an upstream typo the tool must keep reporting).
    present: true,
    code: 'policy-selects-no-pods',
    path: 'sock-shop/deploy/kubernetes/manifests-policy/netpol-cart-access.yaml',
  },

  // flux2-kustomize-helm-example: Flux's own policies in flux-system (production cluster only at
  // this commit): allow-egress (same-namespace ingress, all egress), allow-scraping (8080 from
  // every namespace), allow-webhooks (notification-controller from every namespace).
  {
    id: 'flux:explain:source-controller->kustomize-controller:8080',
    kind: 'explain',
    project: 'flux2-kustomize-helm-example',
    src: 'flux-system/source-controller[Deployment]',
    dst: 'flux-system/kustomize-controller[Deployment]',
    port: '8080/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'flux:explain:kustomize-controller->source-controller:9090',
    kind: 'explain',
    project: 'flux2-kustomize-helm-example',
    // allow-egress admits every pod of flux-system on every port.
    src: 'flux-system/kustomize-controller[Deployment]',
    dst: 'flux-system/source-controller[Deployment]',
    port: '9090/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'flux:explain:external->notification-controller:9292',
    kind: 'explain',
    project: 'flux2-kustomize-helm-example',
    // Only pod peers and same-namespace pods: an outside address is denied. The explanation
    // should be about the address asked, not the whole external range it falls in.
    src: '203.0.113.10',
    dst: 'flux-system/notification-controller[Deployment]',
    port: '9292/TCP',
    verdict: 'DENIED',
    mentions: ['203.0.113.10 →'],
  },
  {
    id: 'flux:no-duplicate-policy',
    kind: 'finding',
    project: 'flux2-kustomize-helm-example',
    present: false,
    code: 'duplicate-policy',
    path: 'flux2-kustomize-helm-example/',
  },

  // kubeflow: kustomize sources; `namespace: kubeflow` of the seaweedfs kustomization puts its
  // NetworkPolicy in kubeflow, where the seaweedfs Deployment is. knative-serving's
  // `patches/sidecar-injection.yaml` is a strategic-merge patch (name "*", no containers), listed
  // under `patches:`, not a resource.
  {
    id: 'kubeflow:explain:net-istio-webhook->net-istio-controller:9090',
    kind: 'explain',
    project: 'kubeflow',
    extra: ['--cluster', 'common/knative/knative-serving/base'],
    // default-allow-same-namespace-knative-serving: every pod of knative-serving, every port.
    src: 'knative-serving/net-istio-webhook[Deployment]',
    dst: 'knative-serving/net-istio-controller[Deployment]',
    port: '9090/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kubeflow:explain:one-kustomization-folder',
    kind: 'explain',
    project: 'kubeflow',
    // One kustomization's folder (its patches/ beside it) is one cluster: the same verdict.
    paths: ['kubeflow/common/knative/knative-serving/base'],
    src: 'knative-serving/net-istio-webhook[Deployment]',
    dst: 'knative-serving/net-istio-controller[Deployment]',
    port: '9090/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kubeflow:explain:net-istio-controller->seaweedfs:8333',
    kind: 'explain',
    project: 'kubeflow',
    // seaweedfs admits profile namespaces, istio-system and its own namespace: not knative-serving.
    // The components are separate kustomizations (the corpus has no top-level one) deployed to one
    // cluster, so the question spans two of them.
    src: 'knative-serving/net-istio-controller[Deployment]',
    dst: 'kubeflow/seaweedfs[Deployment]',
    port: '8333/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'kubeflow:no-patch-workload',
    kind: 'workload',
    project: 'kubeflow',
    extra: ['--cluster', 'common/knative/knative-serving/base'],
    present: false,
    workload: 'default/*[Deployment]',
  },
  {
    id: 'kubeflow:no-duplicate-object-from-patch',
    kind: 'finding',
    project: 'kubeflow',
    // patches/service-labels.yaml only adds a label to net-istio.yaml's knative-local-gateway.
    present: false,
    code: 'duplicate-object',
    path: 'kubeflow/common/knative/knative-serving/base/',
  },
  {
    id: 'kubeflow:no-invalid-field-on-patch',
    kind: 'finding',
    project: 'kubeflow',
    // The patch's stray `patches:` key is kustomize's business: kubectl never reads this file.
    present: false,
    code: 'invalid-field',
    path: 'kubeflow/common/knative/knative-serving/base/patches/',
  },
  {
    id: 'kubeflow:seaweedfs-policy-namespace-from-kustomization',
    kind: 'finding',
    project: 'kubeflow',
    present: false,
    code: 'missing-namespace',
    path: 'kubeflow/applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/seaweedfs-networkpolicy.yaml',
  },
  {
    id: 'kubeflow:seaweedfs-policy-selects-seaweedfs',
    kind: 'finding',
    project: 'kubeflow',
    present: false,
    code: 'policy-selects-no-pods',
    path: 'kubeflow/applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/seaweedfs-networkpolicy.yaml',
  },

  // kubernetes-website: the docs' alternatives all in default; allow-all-ingress and
  // allow-all-egress open what the default-deny ones close (policies are additive).
  {
    id: 'kubernetes-website:explain:curl->my-nginx:80',
    kind: 'explain',
    project: 'kubernetes-website',
    src: 'default/curl-deployment[Deployment]',
    dst: 'default/my-nginx[Deployment]',
    port: '80/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kubernetes-website:explain:my-nginx->external:443',
    kind: 'explain',
    project: 'kubernetes-website',
    src: 'default/my-nginx[Deployment]',
    dst: '203.0.113.10',
    port: '443/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'kubernetes-website:explain:curl->my-nginx:80-denied-without-allow-all',
    kind: 'explain',
    project: 'kubernetes-website',
    // Only default-deny-ingress and the nginx Deployment: isolated, nothing admitted.
    paths: [
      'kubernetes-website/content/en/examples/service/networking/network-policy-default-deny-ingress.yaml',
      'kubernetes-website/content/en/examples/service/networking/run-my-nginx.yaml',
      'kubernetes-website/content/en/examples/service/networking/curlpod.yaml',
    ],
    src: 'default/curl-deployment[Deployment]',
    dst: 'default/my-nginx[Deployment]',
    port: '80/TCP',
    verdict: 'DENIED',
  },

  // recipes: no workloads (the recipes create pods with kubectl run), so only findings.
  {
    id: 'recipes:duplicate-foo-deny-egress',
    kind: 'finding',
    project: 'recipes',
    // Recipe 11's two versions share the name foo-deny-egress and differ.
    present: true,
    code: 'duplicate-policy',
    path: 'recipes/11-deny-egress-traffic-from-an-application.yaml',
  },

  // network-policy-api, the walkthrough demo: pod a isolated by deny-anything-to-pod-a (no rules);
  // AdminNetworkPolicy anp1 (priority 1) Allows ingress on TCP 80 from every namespace to every
  // pod; anp2 Passes only namespaces labeled development=true (demo is not); the
  // BaselineAdminNetworkPolicy Denies ingress from every namespace.
  {
    id: 'network-policy-api:explain:b->a:80',
    kind: 'explain',
    project: 'network-policy-api',
    paths: ['network-policy-api/cmd/policy-assistant/examples/demos/walkthrough'],
    // anp1's Allow is final, before any NetworkPolicy.
    src: 'demo/b[Pod]',
    dst: 'demo/a[Deployment]',
    port: '80/TCP',
    verdict: 'ALLOWED',
  },
  {
    id: 'network-policy-api:explain:b->a:81',
    kind: 'explain',
    project: 'network-policy-api',
    paths: ['network-policy-api/cmd/policy-assistant/examples/demos/walkthrough'],
    // No ANP matches 81; the NetworkPolicy isolates a with no rules.
    src: 'demo/b[Pod]',
    dst: 'demo/a[Deployment]',
    port: '81/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'network-policy-api:explain:a->b:81',
    kind: 'explain',
    project: 'network-policy-api',
    paths: ['network-policy-api/cmd/policy-assistant/examples/demos/walkthrough'],
    // No ANP matches, no NetworkPolicy selects b: the BANP's Deny applies.
    src: 'demo/a[Deployment]',
    dst: 'demo/b[Pod]',
    port: '81/TCP',
    verdict: 'DENIED',
  },
  {
    id: 'network-policy-api:explain:a->b:80',
    kind: 'explain',
    project: 'network-policy-api',
    paths: ['network-policy-api/cmd/policy-assistant/examples/demos/walkthrough'],
    src: 'demo/a[Deployment]',
    dst: 'demo/b[Pod]',
    port: '80/TCP',
    verdict: 'ALLOWED',
  },

  // cilium-star-wars: only CiliumNetworkPolicies, which netpol-lens does not evaluate: as far as
  // Kubernetes NetworkPolicy goes every pair is allowed, and the output must say what it left out.
  {
    id: 'cilium:explain:xwing->deathstar:80',
    kind: 'explain',
    project: 'cilium-star-wars',
    src: 'default/xwing[Pod]',
    dst: 'default/deathstar[Deployment]',
    port: '80/TCP',
    verdict: 'ALLOWED',
    mentions: ['CiliumNetworkPolicy'],
  },
  {
    id: 'cilium:explain:deathstar->tiefighter:80',
    kind: 'explain',
    project: 'cilium-star-wars',
    src: 'default/deathstar[Deployment]',
    dst: 'default/tiefighter[Pod]',
    port: '80/TCP',
    verdict: 'ALLOWED',
  },
];

/** Why an expectation fails today, or undefined when it holds. */
function failure(e: Expectation): string | undefined {
  switch (e.kind) {
    case 'explain': {
      const r = run([
        'explain',
        e.src,
        e.dst,
        e.port,
        ...(e.paths ?? pathsOf(e.project)),
        ...(e.extra ?? []),
      ]);
      const first = r.stdout.split('\n')[0] ?? '';
      const verdict = /: (ALLOWED|DENIED)\.$/.exec(first)?.[1];
      if (verdict === undefined) return `no verdict (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`;
      if (verdict !== e.verdict) return `${verdict}, expected ${e.verdict}`;
      if (r.code !== (verdict === 'ALLOWED' ? 0 : 1)) return `exit code ${r.code} for ${verdict}`;
      const missing = (e.mentions ?? []).filter((m) => !r.stdout.includes(m));
      return missing.length ? `the output does not mention ${missing.join(', ')}` : undefined;
    }
    case 'finding': {
      const hits = findings(e.project, e.extra).filter(
        (f) =>
          f.code === e.code &&
          f.path.startsWith(e.path) &&
          (e.messageIncludes === undefined || f.message.includes(e.messageIncludes)),
      );
      if (e.present && hits.length === 0) return `no ${e.code} finding on ${e.path}`;
      if (!e.present && hits.length > 0)
        return `${hits.length} ${e.code} finding(s), e.g. ${hits[0]?.path}:${hits[0]?.line}`;
      return undefined;
    }
    case 'workload': {
      const ids = workloads([...(e.paths ?? pathsOf(e.project)), ...(e.extra ?? [])]);
      if (typeof ids === 'string') return ids;
      const has = ids.includes(e.workload);
      if (e.present && !has) return `no workload ${e.workload}`;
      if (!e.present && has) return `workload ${e.workload} exists`;
      return undefined;
    }
  }
}

/** The ids listed in KNOWN-WRONG.md: lines `- \`<id>\` …`. */
function knownWrong(): string[] {
  const text = readFileSync(join(CORPUS, 'KNOWN-WRONG.md'), 'utf8');
  return [...text.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1] ?? '');
}

describe('real-world projects (built CLI)', () => {
  it('projects.json lists the ten projects, each folder with a LICENSE', () => {
    assert.equal(PROJECTS.length, 10);
    for (const p of PROJECTS) {
      const top = p.paths[0]?.split('/')[0] ?? '';
      assert.ok(readFileSync(join(CORPUS, top, 'LICENSE'), 'utf8').length > 1000, `${top}/LICENSE`);
    }
  });

  for (const p of PROJECTS) {
    it(`${p.name}: check findings match the golden`, () => {
      const lines = findings(p.name).map((f) => `${f.path}:${f.line} ${f.severity} ${f.code} ${f.message}`);
      assertGolden(`realworld_${p.name}.txt`, lines.join('\n') + '\n');
    });
  }

  it('scripts/realworld-counts.mjs counts what check reports, by code and severity', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'scripts', 'realworld-counts.mjs'),
        '--json',
        '--project',
        'sock-shop',
        '--project',
        'recipes',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      projects: Record<
        string,
        { total: number; byCode: Record<string, number>; bySeverity: Record<string, number> }
      >;
    };
    assert.deepEqual(Object.keys(out.projects), ['sock-shop', 'recipes']);
    for (const name of ['sock-shop', 'recipes']) {
      const fs = findings(name);
      const count = (key: (f: Finding) => string): Record<string, number> => {
        const m: Record<string, number> = {};
        for (const f of fs) m[key(f)] = (m[key(f)] ?? 0) + 1;
        return m;
      };
      const p = out.projects[name];
      assert.ok(p);
      assert.equal(p.total, fs.length);
      assert.deepEqual(
        p.byCode,
        count((f) => f.code),
      );
      assert.deepEqual(
        Object.fromEntries(Object.entries(p.bySeverity).filter(([, n]) => n > 0)),
        count((f) => f.severity),
      );
    }
    const md = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'realworld-counts.mjs'), '--project', 'recipes'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(md.status, 0, md.stderr);
    assert.match(md.stdout, /^\| recipes \| `recipes` \| \d+ \| 0 \| \d+ \| \d+ \| \d+ \|$/m);
    assert.match(md.stdout, /^\| `missing-namespace` \| \d+ \|$/m);
  });

  it('expectation ids are unique and name their project', () => {
    const ids = EXPECTATIONS.map((e) => e.id);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
    for (const e of EXPECTATIONS) pathsOf(e.project);
  });

  it('the hand-worked verdicts hold, except exactly the cases KNOWN-WRONG.md lists', () => {
    const failing = EXPECTATIONS.flatMap((e) => {
      const why = failure(e);
      return why === undefined ? [] : [{ id: e.id, why }];
    });
    const listed = knownWrong();
    const unknown = listed.filter((id) => !EXPECTATIONS.some((e) => e.id === id));
    const fixed = listed.filter((id) => !failing.some((f) => f.id === id));
    const newlyWrong = failing.filter((f) => !listed.includes(f.id));
    assert.deepEqual(
      { unknown, fixed, newlyWrong },
      { unknown: [], fixed: [], newlyWrong: [] },
      'unknown: listed in KNOWN-WRONG.md but no such expectation; fixed: these hold now, remove them from ' +
        'KNOWN-WRONG.md (and review the goldens); newlyWrong: these fail and are not listed',
    );
  });
});
