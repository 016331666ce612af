/**
 * pod-selector-matches-nothing: a peer's podSelector matches no pod in the namespaces it applies
 * to (the policy's own namespace, or those its namespaceSelector matches). Reported only when
 * every one of those namespaces has workloads in the workspace: a namespace whose pods live
 * elsewhere (kube-system, a Helm chart) proves nothing. Peers that select the configured cluster
 * DNS pods are never reported. The question is semantics/queries.ts `peerPods`, which the hover
 * asks too. Information instead of a warning where such pods evidently exist at run time (a
 * Service selects those labels, or the namespace holds custom resources of unknown kinds:
 * `runTimePods`). The message names what the selector most likely meant, from workloads that
 * exist (`nearestPods`: pods with those labels in another namespace, near label values).
 */
import { defineCheck, defineCode, type Report } from './types';
import { compileSelector } from '../model/selector';
import { labelSetsText, labelsText, policyName, selectorText } from '../semantics/names';
import { peerPods, peersOf } from '../semantics/queries';
import { listText, plural } from '../text/words';
import { compact, workloadRelated } from './support';

const meta = defineCode({
  code: 'pod-selector-matches-nothing',
  defaultSeverity: 'warning',
  scope: 'workspace',
  otherSeverities: ['information'],
  summary:
    'A peer podSelector matches no pod in the namespaces it applies to (information where such pods evidently exist at run time).',
});

export const podSelectorMatchesNothing = defineCheck(meta, ({ subjects, engine, settings }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    for (const { peer } of peersOf(p, 'valid')) {
      const sel = peer.podSelector;
      if (!sel || peer.ipBlock) continue;
      const m = compileSelector(sel);
      if (!m.valid || m.isEmpty) continue;
      if (peer.namespaceSelector && !compileSelector(peer.namespaceSelector).valid) continue;
      // the hover asks the same question (features/hover.ts)
      const found = peerPods(engine, settings, p.namespace, peer);
      if (found.kind !== 'none') continue;
      const { namespaces, workloads: all, runTime } = found;
      const nearest = found.nearest?.length ? ` ${found.nearest.join(' ')}` : '';
      const where = peer.namespaceSelector
        ? `the ${plural(namespaces.length, 'namespace')} its namespaceSelector matches (${listText(namespaces)})`
        : `namespace ${p.namespace} (a podSelector without namespaceSelector applies to the policy's own namespace)`;
      const fix = `Fix the labels${peer.namespaceSelector ? '' : ', or add a namespaceSelector if the pods live in another namespace'}`;
      out.push({
        ...(runTime ? { severity: 'information' as const } : {}),
        uri: p.doc.uri,
        span: sel.keySpan,
        message: runTime
          ? `podSelector ${selectorText(sel)} of ${policyName(p)} matches none of the ${plural(all.length, 'workload')} in ${where}, but ${runTime}.${nearest} Add the manifests that make them to the workspace to have this checked; if they do not exist, ${fix[0]?.toLowerCase()}${fix.slice(1)}.`
          : `podSelector ${selectorText(sel)} of ${policyName(p)} matches none of the ${plural(all.length, 'workload')} in ${where}; their pods are labeled ${labelSetsText(all)}.${nearest} ${fix}.`,
        related: compact(all.slice(0, 6).map((w) => workloadRelated(w, `${w.id}: ${labelsText(w.labels)}`))),
      });
    }
  }
  return out;
});
