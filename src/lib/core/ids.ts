import { monotonicFactory } from 'ulid';
import type { Id, Timestamp } from './types';

const nextUlid = monotonicFactory();

/** A new ULID. IDs made in the same millisecond still sort in creation order. */
export function newId(): Id {
  return nextUlid();
}

/** The current time (or `date`) as an ISO-8601 timestamp. */
export function now(date: Date = new Date()): Timestamp {
  return date.toISOString();
}
