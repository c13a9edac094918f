import type { FaultKindName } from '../../config/schema.js';
import type { FaultKind } from '../fault-kind.js';
import { bandwidth } from './bandwidth.js';
import { empty } from './empty.js';
import { latency } from './latency.js';
import { malformed } from './malformed.js';
import { reset } from './reset.js';
import { status } from './status.js';
import { timeout } from './timeout.js';
import { truncate } from './truncate.js';

/** Every fault kind by its plan key. A new kind is a module here plus its parameters in the schema. */
export const FAULT_KINDS: { readonly [K in FaultKindName]: FaultKind<K> } = { latency, status, reset, timeout, bandwidth, truncate, malformed, empty };
