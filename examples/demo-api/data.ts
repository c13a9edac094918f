/**
 * The demo's fixed data set. Generated from a fixed seed rather than Math.random so that staging,
 * baseline and candidate serve the same users in every process: every difference between them is then
 * either noise or a planted regression, never a data accident.
 */

import { mulberry32 } from '../../src/faults/seeded-stream.js';

const SEED = 20260115;

const seededRandom = mulberry32;

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  /** Fixed ISO-8601 timestamp: part of the data, not noise. */
  createdAt: string;
  tags: readonly string[];
}

export interface Product {
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: 'EUR';
  inStock: boolean;
}

export const USER_COUNT = 40;

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Edsger', 'Frances', 'Tim', 'Sophie', 'Niklaus', 'Hedy', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Dijkstra', 'Allen', 'Berners-Lee', 'Wilson', 'Wirth', 'Lamarr', 'McCarthy'];
const ROLES: readonly Role[] = ['viewer', 'viewer', 'viewer', 'editor', 'editor', 'admin'];
const TAGS = ['beta', 'newsletter', 'vip', 'mobile', 'eu', 'trial', 'support', 'api'];
const EPOCH = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

function pick<T>(rand: () => number, from: readonly T[]): T {
  return from[Math.floor(rand() * from.length)] as T;
}

function makeUsers(): ReadonlyMap<number, User> {
  const rand = seededRandom(SEED);
  const users = new Map<number, User>();
  for (let id = 1; id <= USER_COUNT; id++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    // Two to four tags, so that a shuffled list always has more than one possible order.
    const tagCount = 2 + Math.floor(rand() * 3);
    const tags = TAGS.map((tag) => ({ tag, key: rand() }))
      .sort((a, b) => a.key - b.key)
      .slice(0, tagCount)
      .map((t) => t.tag);
    users.set(id, {
      id,
      name: `${first} ${last}`,
      email: `${first}.${last}${id}@example.com`.toLowerCase(),
      role: pick(rand, ROLES),
      createdAt: new Date(EPOCH + Math.floor(rand() * 700) * DAY + Math.floor(rand() * DAY / 1000) * 1000).toISOString(),
      tags,
    });
  }
  return users;
}

export const users = makeUsers();

export const products: readonly Product[] = [
  { sku: 'BK-001', name: 'Designing Data-Intensive Applications', category: 'books', price: 42.5, currency: 'EUR', inStock: true },
  { sku: 'BK-002', name: 'The Pragmatic Programmer', category: 'books', price: 38, currency: 'EUR', inStock: true },
  { sku: 'BK-003', name: 'Release It!', category: 'books', price: 35.9, currency: 'EUR', inStock: false },
  { sku: 'AU-001', name: 'Studio Headphones', category: 'audio', price: 129.99, currency: 'EUR', inStock: true },
  { sku: 'AU-002', name: 'Bluetooth Speaker', category: 'audio', price: 59.95, currency: 'EUR', inStock: true },
  { sku: 'AU-003', name: 'USB Microphone', category: 'audio', price: 89, currency: 'EUR', inStock: true },
  { sku: 'KT-001', name: 'Pour-over Coffee Kettle', category: 'kitchen', price: 45.25, currency: 'EUR', inStock: true },
  { sku: 'KT-002', name: 'Cast Iron Pan', category: 'kitchen', price: 32.4, currency: 'EUR', inStock: false },
  { sku: 'KT-003', name: 'Chef Knife', category: 'kitchen', price: 74.0, currency: 'EUR', inStock: true },
  { sku: 'GD-001', name: 'Garden Hose 20m', category: 'garden', price: 27.8, currency: 'EUR', inStock: true },
  { sku: 'GD-002', name: 'Pruning Shears', category: 'garden', price: 12.5, currency: 'EUR', inStock: true },
  { sku: 'GD-003', name: 'Seed Starter Kit', category: 'garden', price: 16.75, currency: 'EUR', inStock: true },
];

export const productsBySku: ReadonlyMap<string, Product> = new Map(products.map((p) => [p.sku, p]));
