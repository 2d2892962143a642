// `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE,
// wide: SUBOBJECT SOURCE FIRST SEEN COUNT NAME (interleaved, in this column order).
// Events written through events.k8s.io/v1 have no first/last timestamps and no count: the printer
// falls back to eventTime and series, so both kinds of events read the same.

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { describe } from './descriptions.js';
import { since } from './duration.js';
import { at, int, rec, str } from './read.js';
import { nameColumn } from './table.js';

function timestamp(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** SOURCE: "component, host", using reportingController/reportingInstance when source is empty. */
function source(ev: KubeObject): string {
  const component = str(at(ev, 'source', 'component')) || str(ev['reportingComponent']);
  const host = str(at(ev, 'source', 'host')) || str(ev['reportingInstance']);
  return host ? `${component}, ${host}` : component;
}

export const eventsTable: TableSpec = {
  columns: [
    { name: 'Last Seen', type: 'string', priority: 0, description: describe.eventLastTimestamp },
    { name: 'Type', type: 'string', priority: 0, description: describe.eventType },
    { name: 'Reason', type: 'string', priority: 0, description: describe.eventReason },
    { name: 'Object', type: 'string', priority: 0, description: describe.eventInvolvedObject },
    { name: 'Subobject', type: 'string', priority: 1, description: describe.objectReferenceFieldPath },
    { name: 'Source', type: 'string', priority: 1, description: describe.eventSource },
    { name: 'Message', type: 'string', priority: 0, description: describe.eventMessage },
    { name: 'First Seen', type: 'string', priority: 1, description: describe.eventFirstTimestamp },
    { name: 'Count', type: 'string', priority: 1, description: describe.eventCount },
    { ...nameColumn, priority: 1 },
  ],
  row(ev, now) {
    const first = timestamp(ev['firstTimestamp']);
    const firstSeen = first !== undefined ? since(first, now) : since(timestamp(ev['eventTime']), now);
    const last = timestamp(ev['lastTimestamp']);
    let lastSeen = last !== undefined ? since(last, now) : firstSeen;
    let count = int(ev['count']);
    const series = ev['series'];
    if (series !== undefined && series !== null) {
      lastSeen = since(timestamp(rec(series)['lastObservedTime']), now);
      count = int(rec(series)['count']);
    } else if (count === 0) {
      count = 1; // events.k8s.io/v1 singletons carry no count
    }
    const kind = str(at(ev, 'involvedObject', 'kind')).toLowerCase();
    const name = str(at(ev, 'involvedObject', 'name'));
    return [
      lastSeen,
      str(ev['type']),
      str(ev['reason']),
      name ? `${kind}/${name}` : kind,
      str(at(ev, 'involvedObject', 'fieldPath')),
      source(ev),
      str(ev['message']).trim(),
      firstSeen,
      count,
      ev.metadata.name ?? '',
    ];
  },
};
