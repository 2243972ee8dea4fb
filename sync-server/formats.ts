import type { FormatCodec } from '../src/lib/formats/types';
import type { FormatLookup } from './export';

/**
 * The export formats the server offers. The codecs of src/lib/formats go here once their
 * registry is merged (`formatLookup(registry)`); until then the list is empty and an
 * export answers 400 "unknown_format".
 */
export function formatLookup(codecs: readonly FormatCodec[]): FormatLookup {
  const byId = new Map(codecs.filter((c) => c.export).map((c) => [c.id, c]));
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()].sort(),
  };
}

export const serverFormats: FormatLookup = formatLookup([]);
