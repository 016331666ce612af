/**
 * invalid-port: a `ports` entry the API server rejects — a port number outside 1–65535, a port name
 * that is not an IANA service name, an `endPort` below `port`, with a named `port` or without
 * `port`, an `endPort` outside 1–65535, or a protocol other than TCP, UDP and SCTP.
 */
import { defineCheck, defineCode, type Report } from './types';
import { PROTOCOLS } from '../model/types';
import { policyLabel } from '../semantics/names';
import { portsOf } from '../semantics/queries';
import { didYouMean } from '../text/words';
import { invalid, onePerNode } from './support';
import { portNameProblem } from './k8s-syntax';

const CODE = 'invalid-port';

function validNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary:
    'A ports entry the API server rejects: port outside 1–65535, bad port name, endPort below port or with a named port, or a protocol other than TCP/UDP/SCTP.',
});

export const invalidPort = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const who = policyLabel(p);
    for (const { port: entry, path } of portsOf(p, 'all')) {
      const { protocol, port, endPort } = entry;
      if (protocol && !(PROTOCOLS as readonly string[]).includes(protocol.value)) {
        const guess = didYouMean(protocol.value, PROTOCOLS);
        out.push(
          invalid(
            p,
            protocol.span,
            `Unsupported protocol "${protocol.value}" in ${path} of ${who}${guess ? `: did you mean "${guess}"?` : '.'} NetworkPolicy supports TCP, UDP and SCTP only (ICMP cannot be filtered by a NetworkPolicy). The API server rejects the policy.`,
          ),
        );
      }
      if (port && typeof port.value === 'number') {
        if (!validNumber(port.value))
          out.push(
            invalid(
              p,
              port.span,
              `Port ${port.value} in ${path} of ${who} is not a port number: use an integer from 1 to 65535 (omit "port" to allow every port of the protocol). The API server rejects the policy.`,
            ),
          );
      } else if (port && typeof port.value === 'string') {
        const name = port.value;
        const problem = portNameProblem(name);
        if (problem) {
          const numeric = /^\d+$/.test(name.trim());
          out.push(
            invalid(
              p,
              port.span,
              numeric
                ? `Port "${name}" in ${path} of ${who} is a quoted number, which the API reads as a port name, and a port name must contain a letter: write ${name.trim()} without quotes. The API server rejects the policy.`
                : `Invalid port name "${name}" in ${path} of ${who}: ${problem} (IANA service name). Use a container port's name, or the number. The API server rejects the policy.`,
            ),
          );
        }
      }
      if (endPort) {
        if (!validNumber(endPort.value)) {
          out.push(
            invalid(
              p,
              endPort.span,
              `endPort ${endPort.value} in ${path} of ${who} is not a port number: use an integer from 1 to 65535. The API server rejects the policy.`,
            ),
          );
        } else if (!port) {
          out.push(
            invalid(
              p,
              endPort.span,
              `endPort in ${path} of ${who} has no "port" to start the range: add "port: <first port>". The API server rejects the policy.`,
            ),
          );
        } else if (typeof port.value === 'string') {
          out.push(
            invalid(
              p,
              endPort.span,
              `endPort in ${path} of ${who} follows the named port "${port.value}": a range needs a numeric port. Use the number, or remove endPort. The API server rejects the policy.`,
            ),
          );
        } else if (validNumber(port.value) && endPort.value < port.value) {
          out.push(
            invalid(
              p,
              endPort.span,
              `endPort ${endPort.value} is below port ${port.value} in ${path} of ${who}: the range is empty. Swap them, or set endPort ≥ port. The API server rejects the policy.`,
            ),
          );
        }
      }
    }
  }
  return onePerNode(out);
});
