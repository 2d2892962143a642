// Kubernetes' HumanDuration (k8s.io/apimachinery/pkg/util/duration): the AGE, DURATION and
// "(5m ago)" texts of `kubectl get`. It keeps two or three significant figures: exact seconds while
// they matter, then minutes with seconds, minutes, hours with minutes, hours, days with hours, days,
// years with days, years. Every branch truncates, as Go's integer division does.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/** HumanDuration of a span in milliseconds (negative spans are clock skew, see below). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  // Up to a second in the future counts as "now": machines' clocks never agree exactly.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;

  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 3 * 60) return `${minutes}m`;

  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;

  const days = Math.trunc(hours / 24);
  if (hours < 8 * 24) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 2 * 365 * 24) return `${days}d`;

  const years = Math.trunc(days / 365);
  if (hours < 8 * 365 * 24) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** The age of a timestamp at `now`, as the printers show it; `<unknown>` when there is none. */
export function since(timestamp: string | Date | undefined | null, now: Date): string {
  if (timestamp === undefined || timestamp === null || timestamp === '') return '<unknown>';
  const t = timestamp instanceof Date ? timestamp.getTime() : Date.parse(timestamp);
  // Go's zero time (what an unset metav1.Time serializes as) is "unknown" too.
  if (Number.isNaN(t) || t === GO_ZERO_TIME) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

export const durationUnits = { SECOND, MINUTE, HOUR, DAY, YEAR };
