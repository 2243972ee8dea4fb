import { filterKey, type FilterLogic } from './model';

export const RECENT_FILTERS_MAX = 10;

/** The recent-filters list after applying `filter`: it first, no duplicates, at most `max`. */
export function addRecentFilter(
  recent: readonly FilterLogic[],
  filter: FilterLogic,
  max: number = RECENT_FILTERS_MAX,
): FilterLogic[] {
  const key = filterKey(filter);
  const rest = recent.filter((item) => filterKey(item) !== key);
  return [filter, ...rest].slice(0, Math.max(0, max));
}
