import { FORMATS } from '../src/lib/formats/registry';
import type { FormatCodec } from '../src/lib/formats/types';
import type { FormatLookup } from './export';

/** The export formats the server offers: every codec of src/lib/formats that can export. */
export function formatLookup(codecs: readonly FormatCodec[]): FormatLookup {
  const byId = new Map(codecs.filter((c) => c.export).map((c) => [c.id, c]));
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()].sort(),
  };
}

export const serverFormats: FormatLookup = formatLookup(FORMATS);
