import { DAY, HOUR, type AttemptDraft, type AttemptDraw, type PlannedTx } from './attempt-draw.js';
import type { Typology } from './vocab.js';

/**
 * The eight AMLworld laundering shapes. Each builder plans one attempt of at most about
 * `budget` rows (never fewer than its smallest shape), over a few days, among accounts that
 * are distinct within the attempt. Row order inside a block follows the real patterns files:
 * time order for fans and chains, leg by leg for scatter-gather and stack, shuffled for
 * bipartite.
 */
export type TypologyBuilder = (draw: AttemptDraw, budget: number) => AttemptDraft;

export const BUILDERS: Readonly<Record<Typology, TypologyBuilder>> = {
  'FAN-OUT': (draw, budget) => fan(draw, budget, 'out'),
  'FAN-IN': (draw, budget) => fan(draw, budget, 'in'),
  CYCLE: cycle,
  'SCATTER-GATHER': scatterGather,
  'GATHER-SCATTER': gatherScatter,
  STACK: stack,
  BIPARTITE: bipartite,
  RANDOM: randomWalk,
};

/** One hub paying (out) or paid by (in) k others: `Max k-degree Fan-Out`. */
function fan(draw: AttemptDraw, budget: number, direction: 'in' | 'out'): AttemptDraft {
  const degree = draw.size(2, 15, budget);
  const [hub = 0, ...others] = draw.accounts(degree + 1);
  const times = draw.sortedTimes(draw.start(), others.length, draw.rng.between(1, 5) * DAY);
  const base = draw.baseUsd();

  const txs = others.map((other, index): PlannedTx => ({
    from: direction === 'out' ? hub : other,
    to: direction === 'out' ? other : hub,
    minute: times[index] ?? 0,
    usd: draw.around(base),
  }));
  const label = direction === 'out' ? 'Fan-Out' : 'Fan-In';
  return { detail: `Max ${others.length}-degree ${label}`, txs };
}

/** Money passed around a ring of k accounts back to the first: `Max k hops`. */
function cycle(draw: AttemptDraw, budget: number): AttemptDraft {
  const hops = draw.size(2, 12, budget);
  const ring = draw.accounts(hops);
  const path = [...ring, ring[0] ?? 0];
  return { detail: `Max ${ring.length} hops`, txs: chain(draw, path) };
}

/** A walk that may come back to accounts it already passed through: `Max k hops`. */
function randomWalk(draw: AttemptDraw, budget: number): AttemptDraft {
  const hops = draw.size(2, 12, budget);
  const fresh = draw.accounts(hops + 1);
  const path = [fresh[0] ?? 0];

  for (let hop = 1; hop <= hops; hop++) {
    const current = path[path.length - 1];
    const back = path[draw.rng.below(path.length)];
    const revisit = hop > 2 && draw.rng.float() < 0.15 && back !== current;
    path.push(revisit && back !== undefined ? back : (fresh[hop] ?? 0));
  }
  return { detail: `Max ${hops} hops`, txs: chain(draw, path) };
}

/** One source splits money over k middlemen, who all pass it on to one sink. */
function scatterGather(draw: AttemptDraw, budget: number): AttemptDraft {
  const width = draw.size(1, 7, budget, 2);
  const [source = 0, sink = 0, ...middle] = draw.accounts(width + 2);
  const firstLegs = draw.sortedTimes(draw.start(), middle.length, 3 * DAY);
  const base = draw.baseUsd();

  const txs = middle.flatMap((mid, index): PlannedTx[] => {
    const sent = firstLegs[index] ?? 0;
    const passed = draw.after(sent, 6 * HOUR, 3 * DAY);
    const usd = draw.around(base);
    return [
      { from: source, to: mid, minute: sent, usd },
      { from: mid, to: sink, minute: passed, usd: draw.afterFee(usd) },
    ];
  });
  return { detail: '', txs };
}

/** k senders feed one account, which then pays j others: `Max k-degree Fan-In`. */
function gatherScatter(draw: AttemptDraw, budget: number): AttemptDraft {
  const fanIn = draw.size(1, 8, budget, 2);
  const fanOut = draw.size(1, 8, budget - fanIn);
  const [hub = 0, ...others] = draw.accounts(1 + fanIn + fanOut);
  const senders = others.slice(0, fanIn);
  const receivers = others.slice(fanIn);
  const base = draw.baseUsd();

  const inTimes = draw.sortedTimes(draw.start(), senders.length, 3 * DAY);
  const lastIn = inTimes[inTimes.length - 1] ?? 0;
  const outTimes = draw.sortedTimes(lastIn, receivers.length, 3 * DAY);

  const gathered = senders.map((from, i): PlannedTx => {
    return { from, to: hub, minute: inTimes[i] ?? 0, usd: draw.around(base) };
  });
  const scattered = receivers.map((to, i): PlannedTx => {
    return { from: hub, to, minute: outTimes[i] ?? 0, usd: draw.around(base) };
  });
  const txs = [...gathered, ...scattered];
  return { detail: `Max ${senders.length}-degree Fan-In`, txs };
}

/** Three layers: each middle account is paid by one of the first layer and pays the third. */
function stack(draw: AttemptDraw, budget: number): AttemptDraft {
  const width = draw.size(1, 5, budget, 2);
  const firstCount = draw.rng.between(1, width);
  const lastCount = draw.rng.between(1, width);
  const accounts = draw.accounts(firstCount + width + lastCount);
  const first = accounts.slice(0, firstCount);
  const middle = accounts.slice(firstCount, firstCount + width);
  const last = accounts.slice(firstCount + width);
  const start = draw.start();

  const txs = middle.flatMap((mid): PlannedTx[] => {
    const paidAt = draw.after(start, 0, 2 * DAY);
    const passedAt = draw.after(paidAt, 2 * HOUR, 3 * DAY);
    const usd = draw.baseUsd();
    return [
      { from: pickOf(draw, first), to: mid, minute: paidAt, usd },
      { from: mid, to: pickOf(draw, last), minute: passedAt, usd: draw.afterFee(usd) },
    ];
  });
  return { detail: '', txs };
}

/** Payments between two groups of accounts, on distinct pairs, listed in no order. */
function bipartite(draw: AttemptDraw, budget: number): AttemptDraft {
  const leftCount = draw.rng.between(2, 5);
  const rightCount = draw.rng.between(2, 5);
  const most = Math.min(leftCount * rightCount, 12);
  const edges = draw.size(Math.min(2, most), most, budget);
  const accounts = draw.accounts(leftCount + rightCount);
  const pairs = draw.rng.permutation(leftCount * rightCount);
  const start = draw.start();
  const base = draw.baseUsd();

  const txs = Array.from(pairs.subarray(0, edges), (pair): PlannedTx => ({
    from: accounts[Math.floor(pair / rightCount)] ?? 0,
    to: accounts[leftCount + (pair % rightCount)] ?? 0,
    minute: draw.after(start, 0, 3 * DAY),
    usd: draw.around(base),
  }));
  return { detail: '', txs };
}

/** Consecutive hops along `path`, each after the previous one, passing the amount on. */
function chain(draw: AttemptDraw, path: readonly number[]): PlannedTx[] {
  const hops = path.length - 1;
  const longestGap = Math.max(HOUR, Math.floor((6 * DAY) / hops));
  const txs: PlannedTx[] = [];
  let minute = draw.start();
  let usd = draw.baseUsd();

  for (let hop = 0; hop < hops; hop++) {
    minute = draw.after(minute, 10, longestGap);
    txs.push({ from: path[hop] ?? 0, to: path[hop + 1] ?? 0, minute, usd });
    usd = draw.afterFee(usd);
  }
  return txs;
}

function pickOf(draw: AttemptDraw, accounts: readonly number[]): number {
  return accounts[draw.rng.below(accounts.length)] ?? 0;
}
