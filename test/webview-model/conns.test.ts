/** The view's connection-set words and port filter (client/webview/conns.ts), without a browser. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatConns,
  formatPortFilter,
  parsePortFilter,
  suggestedPorts,
  verdictOf,
} from '../../client/webview/conns';

describe('webview conns', () => {
  it('parses the port filter: any, a port (TCP by default), port/protocol in any case; null when invalid', () => {
    assert.equal(parsePortFilter(' any '), undefined);
    assert.equal(parsePortFilter(''), undefined);
    assert.deepEqual(parsePortFilter('80'), { port: 80, protocol: 'TCP' });
    assert.deepEqual(parsePortFilter('53 / udp'), { port: 53, protocol: 'UDP' });
    for (const bad of ['0', '65536', '80/ICMP', 'http', '-1']) assert.equal(parsePortFilter(bad), null, bad);
    assert.equal(formatPortFilter({ port: 53, protocol: 'UDP' }), '53/UDP');
    assert.equal(formatPortFilter(undefined), 'any');
  });

  it('gives the verdict of a connection set, under a port filter too', () => {
    const web = {
      TCP: [
        [80, 80],
        [8000, 8080],
      ] as Array<[number, number]>,
    };
    assert.equal(verdictOf('all', undefined), 'all');
    assert.equal(verdictOf(undefined, undefined), 'none');
    assert.equal(verdictOf(web, undefined), 'some');
    assert.equal(verdictOf({ TCP: [] }, undefined), 'none');
    assert.equal(verdictOf(web, { port: 8001, protocol: 'TCP' }), 'all');
    assert.equal(verdictOf(web, { port: 81, protocol: 'TCP' }), 'none');
    assert.equal(verdictOf(web, { port: 80, protocol: 'UDP' }), 'none');
  });

  it('says a connection set in words and suggests the ports it names', () => {
    assert.equal(
      formatConns({
        TCP: [
          [80, 80],
          [8000, 8080],
        ],
        UDP: [[1, 65535]],
      }),
      'TCP 80, 8000-8080 · UDP all',
    );
    assert.equal(formatConns('all'), 'all ports');
    assert.equal(formatConns('none'), 'nothing');
    assert.equal(formatConns({}), 'nothing');
    assert.deepEqual(
      suggestedPorts([
        {
          TCP: [
            [5432, 5433],
            [9000, 9100],
          ],
        },
        'all',
      ]),
      ['53/TCP', '53/UDP', '80/TCP', '443/TCP', '5432/TCP', '5433/TCP', '9000/TCP'],
    );
  });
});
