// kubectl-lite talks to the apiserver through client/'s RestTransport; this file only holds what
// kubectl does differently from a component: its User-Agent, the Table Accept header, a 60 s
// request timeout, and no waiting for an apiserver that is down (kubectl reports "connection
// refused" at once instead of retrying).

import { RestTransport, type RestConfig } from '../client/rest.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export function openApi(config: RestConfig): RestTransport {
  return new RestTransport({ userAgent: 'kubectl-lite/v1.32.0', timeoutMs: 60_000, connectRetryMs: 0, ...config });
}
