/** Where the rolling shadow run is kept unless `record.shadow.out` (or `report --out`) says otherwise. */
export const SHADOW_OUT_DEFAULT = 'shadow-out';
