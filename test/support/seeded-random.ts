/** A small seeded generator (mulberry32): the same seed gives the same choices, so a failing run's seed replays them. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [0, below). */
  int(below: number): number;
  /** An independent generator derived from this one's seed, e.g. one per concurrent worker. */
  fork(index: number): Random;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    int: (below) => Math.floor(next() * below),
    fork: (index) => seededRandom(Math.imul(seed ^ 0x9e3779b9, index + 1)),
  };
}
