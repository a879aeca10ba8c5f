//! A small layered (Sugiyama-style) layout for the SVG ERD.
//!
//! Hand-rolled on purpose: the layout crates on crates.io either size and
//! draw the nodes themselves (layout-rs renders its own record shapes and
//! Bézier edges, with no way to put table rows, key markers, crow's-foot
//! ends and class attributes on them) or assume one size for every vertex
//! (rust-sugiyama), while ERD boxes differ in height by their column count.
//!
//! Steps: ranks by longest path (parents above children); dummy nodes on
//! every edge that spans more than one rank, so long edges run through
//! reserved slots instead of through boxes; crossing reduction by barycenter
//! sweeps, keeping the order with the fewest crossings; x placement that
//! pulls each node toward its neighbours while keeping a minimum gap
//! (averaging a left-to-right and a right-to-left pass, both feasible);
//! y by rank bands. Everything is deterministic: ties break by input order,
//! and coordinates are rounded to whole pixels at the end.
//!
//! Cost: near-linear in nodes and edges. Ranks come from one topological
//! pass (a cyclic schema first has its back edges turned, found by a
//! depth-first search in input order); every sweep reads adjacency lists
//! built once; crossings are counted per rank gap as inversions (a Fenwick
//! tree), not by comparing every pair of edges.

/// Horizontal gap between boxes in one rank.
const H_GAP: f64 = 56.0;
/// Vertical gap between ranks.
const V_GAP: f64 = 96.0;
/// Width reserved for an edge passing through a rank.
const DUMMY_W: f64 = 14.0;
/// Margin around the drawing.
pub const MARGIN: i64 = 24;

/// A box to place.
#[derive(Clone, Copy, Debug)]
pub struct NodeSize {
    pub width: i64,
    pub height: i64,
}

/// A placed box: top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

/// An edge's route from the upper box to the lower one: the first point is
/// on the upper box's bottom side, the last on the lower box's top side.
/// Consecutive points alternate vertical runs (inside a rank band) and
/// gap crossings (between bands), starting with a vertical run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub points: Vec<(i64, i64)>,
    /// The edge runs from `to` up to `from` (a cycle): its start is the child end.
    pub reversed: bool,
}

/// The placed drawing.
#[derive(Clone, Debug)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    /// One per input edge; `None` for a self-reference (drawn as a loop).
    pub routes: Vec<Option<Route>>,
    pub width: i64,
    pub height: i64,
}

/// An edge as slots `(rank, slot index)` from its upper end to its lower end,
/// and whether it runs against its direction (a cycle).
type Chain = Option<(Vec<(usize, usize)>, bool)>;

/// A piece of an edge between two adjacent ranks: (upper rank, upper slot, lower slot).
type Segment = (usize, usize, usize);

struct Slot {
    /// `Some(node)` for a real box, `None` for a dummy.
    node: Option<usize>,
    width: f64,
    x: f64,
}

/// Lays out `nodes` with `edges` as (parent, child) pairs.
pub fn layout(nodes: &[NodeSize], edges: &[(usize, usize)]) -> Layout {
    let n = nodes.len();
    let rank = ranks(n, edges);
    let max_rank = rank.iter().copied().max().unwrap_or(0);

    // Slots per rank; edges become chains of slot-to-slot segments.
    let mut layers: Vec<Vec<Slot>> = (0..=max_rank).map(|_| Vec::new()).collect();
    let mut slot_of = vec![(0usize, 0usize); n];
    for (i, size) in nodes.iter().enumerate() {
        slot_of[i] = (rank[i], layers[rank[i]].len());
        layers[rank[i]].push(Slot { node: Some(i), width: size.width as f64, x: 0.0 });
    }
    // Each chain: (rank, slot index) from the upper end to the lower end.
    let mut chains: Vec<Chain> = Vec::with_capacity(edges.len());
    for &(parent, child) in edges {
        if parent == child {
            chains.push(None);
            continue;
        }
        let (upper, lower, reversed) =
            if rank[parent] <= rank[child] { (parent, child, false) } else { (child, parent, true) };
        let mut chain = vec![slot_of[upper]];
        for (r, layer) in layers.iter_mut().enumerate().take(rank[lower]).skip(rank[upper] + 1) {
            chain.push((r, layer.len()));
            layer.push(Slot { node: None, width: DUMMY_W, x: 0.0 });
        }
        chain.push(slot_of[lower]);
        chains.push(Some((chain, reversed)));
    }
    // Segments between adjacent ranks, by slot id: (rank of upper, upper slot, lower slot).
    let mut segments: Vec<Segment> = Vec::new();
    for (chain, _) in chains.iter().flatten() {
        for pair in chain.windows(2) {
            if pair[1].0 == pair[0].0 + 1 {
                segments.push((pair[0].0, pair[0].1, pair[1].1));
            }
        }
    }

    let order = order_layers(&layers, &segments);
    // Position of each slot within its rank.
    let mut pos: Vec<Vec<usize>> = layers.iter().map(|l| vec![0; l.len()]).collect();
    for (r, o) in order.iter().enumerate() {
        for (p, &s) in o.iter().enumerate() {
            pos[r][s] = p;
        }
    }
    place_x(&mut layers, &order, &segments);

    // Bands: every rank is as tall as its tallest box.
    let mut band_top = vec![0.0f64; layers.len()];
    let mut band_bottom = vec![0.0f64; layers.len()];
    let mut y = MARGIN as f64;
    for (r, layer) in layers.iter().enumerate() {
        let h = layer.iter().filter_map(|s| s.node.map(|i| nodes[i].height as f64)).fold(0.0, f64::max);
        band_top[r] = y;
        band_bottom[r] = y + h;
        y += h + V_GAP;
    }
    let min_x = layers.iter().flatten().map(|s| s.x).fold(f64::INFINITY, f64::min);
    let shift = if min_x.is_finite() { MARGIN as f64 - min_x } else { 0.0 };
    for slot in layers.iter_mut().flatten() {
        slot.x += shift;
    }

    let mut boxes = vec![Rect { x: 0, y: 0, width: 0, height: 0 }; n];
    for (r, layer) in layers.iter().enumerate() {
        for slot in layer {
            if let Some(i) = slot.node {
                boxes[i] = Rect {
                    x: slot.x.round() as i64,
                    y: band_top[r].round() as i64,
                    width: nodes[i].width,
                    height: nodes[i].height,
                };
            }
        }
    }

    let routes = route_edges(&chains, &layers, &boxes, &band_top, &band_bottom);
    let width = layers.iter().flatten().map(|s| (s.x + s.width).round() as i64).max().unwrap_or(0) + MARGIN;
    let height = (y - V_GAP).round() as i64 + MARGIN;
    Layout { boxes, routes, width: width.max(2 * MARGIN), height: height.max(2 * MARGIN) }
}

/// Longest-path ranks: every child below all of its parents. A graph with
/// cycles is made acyclic first by turning its back edges (found by a
/// depth-first search that visits nodes and edges in input order), so the
/// result is total and every rank is below `n`.
fn ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_parent = vec![false; n];
    for &(p, c) in edges {
        if p != c {
            children[p].push(c);
            has_parent[c] = true;
        }
    }
    let ranking_edges = acyclic(n, &children);
    // Longest path, in topological order.
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(p, c) in &ranking_edges {
        out[p].push(c);
        indegree[c] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    while let Some(p) = queue.pop_front() {
        for &c in &out[p] {
            rank[c] = rank[c].max(rank[p] + 1);
            indegree[c] -= 1;
            if indegree[c] == 0 {
                queue.push_back(c);
            }
        }
    }
    // Pull parents down next to their children where that shortens edges:
    // a node with no parents sits one rank above its highest child. (Its
    // children all have a parent, so one pass settles every node.)
    for p in 0..n {
        if has_parent[p] {
            continue;
        }
        let lowest_child = children[p].iter().map(|&c| rank[c]).min();
        if let Some(child_rank) = lowest_child
            && child_rank > rank[p] + 1
        {
            rank[p] = child_rank - 1;
        }
    }
    rank
}

/// The edges of `children` (self-loops already left out) with every back
/// edge of a depth-first search turned around: an acyclic graph.
fn acyclic(n: usize, children: &[Vec<usize>]) -> Vec<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut edges = Vec::new();
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        // An explicit stack of (node, next child index): schemas can be deep.
        let mut stack = vec![(root, 0usize)];
        state[root] = State::Open;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            if let Some(&child) = children[node].get(top.1) {
                top.1 += 1;
                match state[child] {
                    State::Open => edges.push((child, node)),
                    State::Done => edges.push((node, child)),
                    State::New => {
                        edges.push((node, child));
                        state[child] = State::Open;
                        stack.push((child, 0));
                    }
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
    edges
}

/// Each slot's neighbours one rank up (`up`) and one rank down (`down`), and
/// both merged (`all`), each list in segment order.
struct Adjacency {
    up: Vec<Vec<Vec<usize>>>,
    down: Vec<Vec<Vec<usize>>>,
    all: Vec<Vec<Vec<(usize, usize)>>>,
}

impl Adjacency {
    fn new(layers: &[Vec<Slot>], segments: &[Segment]) -> Self {
        let empty = || -> Vec<Vec<Vec<usize>>> { layers.iter().map(|l| vec![Vec::new(); l.len()]).collect() };
        let mut up = empty();
        let mut down = empty();
        let mut all: Vec<Vec<Vec<(usize, usize)>>> = layers.iter().map(|l| vec![Vec::new(); l.len()]).collect();
        for &(ur, us, ls) in segments {
            down[ur][us].push(ls);
            up[ur + 1][ls].push(us);
            all[ur][us].push((ur + 1, ls));
            all[ur + 1][ls].push((ur, us));
        }
        Adjacency { up, down, all }
    }
}

/// Pairs of segments that cross: per gap between two ranks, the inversions
/// of the lower ends when the segments are sorted by their upper ends.
fn crossings(order: &[Vec<usize>], segments: &[Segment]) -> usize {
    let mut pos: Vec<Vec<usize>> = order.iter().map(|o| vec![0; o.len()]).collect();
    for (r, o) in order.iter().enumerate() {
        for (p, &s) in o.iter().enumerate() {
            pos[r][s] = p;
        }
    }
    let mut by_gap: Vec<Vec<(usize, usize)>> = vec![Vec::new(); order.len()];
    for &(r, us, ls) in segments {
        by_gap[r].push((pos[r][us], pos[r + 1][ls]));
    }
    let mut count = 0;
    for (r, pairs) in by_gap.iter_mut().enumerate() {
        if pairs.len() < 2 {
            continue;
        }
        // Equal upper ends sort by lower end, so they never count.
        pairs.sort_unstable();
        let width = order.get(r + 1).map_or(0, Vec::len);
        let mut tree = vec![0usize; width + 1];
        for (seen, &(_, lower)) in pairs.iter().enumerate() {
            // How many earlier segments end at or left of `lower`.
            let mut at_most = 0;
            let mut i = lower + 1;
            while i > 0 {
                at_most += tree[i];
                i &= i - 1;
            }
            count += seen - at_most;
            let mut i = lower + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    count
}

/// Barycenter sweeps; returns, per rank, slot ids in left-to-right order.
fn order_layers(layers: &[Vec<Slot>], segments: &[Segment]) -> Vec<Vec<usize>> {
    let adjacency = Adjacency::new(layers, segments);
    let mut order: Vec<Vec<usize>> = layers.iter().map(|l| (0..l.len()).collect()).collect();
    let mut best = order.clone();
    let mut best_crossings = crossings(&order, segments);
    for sweep in 0..12 {
        let down = sweep % 2 == 0;
        let ranks: Vec<usize> =
            if down { (1..layers.len()).collect() } else { (0..layers.len().saturating_sub(1)).rev().collect() };
        for r in ranks {
            let neighbour = if down { r - 1 } else { r + 1 };
            let mut npos = vec![0usize; layers[neighbour].len()];
            for (p, &s) in order[neighbour].iter().enumerate() {
                npos[s] = p;
            }
            let mut keyed: Vec<(f64, usize, usize)> = order[r]
                .iter()
                .enumerate()
                .map(|(p, &s)| {
                    let linked = if down { &adjacency.up[r][s] } else { &adjacency.down[r][s] };
                    let bary = if linked.is_empty() {
                        p as f64
                    } else {
                        linked.iter().map(|&n| npos[n] as f64).sum::<f64>() / linked.len() as f64
                    };
                    (bary, p, s)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[r] = keyed.into_iter().map(|(_, _, s)| s).collect();
        }
        let c = crossings(&order, segments);
        if c < best_crossings {
            best_crossings = c;
            best = order.clone();
        }
    }
    best
}

/// Pulls every slot toward the mean centre of its neighbours, keeping order
/// and gaps.
fn place_x(layers: &mut [Vec<Slot>], order: &[Vec<usize>], segments: &[Segment]) {
    let adjacency = Adjacency::new(layers, segments);
    let gap = |a: &Slot, b: &Slot| if a.node.is_some() && b.node.is_some() { H_GAP } else { H_GAP / 3.0 };
    // Start packed.
    for (r, o) in order.iter().enumerate() {
        let mut x = 0.0;
        for (k, &s) in o.iter().enumerate() {
            if k > 0 {
                x += gap(&layers[r][o[k - 1]], &layers[r][s]);
            }
            layers[r][s].x = x;
            x += layers[r][s].width;
        }
    }
    for round in 0..16 {
        let down = round % 2 == 0;
        let ranks: Vec<usize> = if down { (0..layers.len()).collect() } else { (0..layers.len()).rev().collect() };
        for r in ranks {
            let o = &order[r];
            let desired: Vec<f64> = o
                .iter()
                .map(|&s| {
                    let slot = &layers[r][s];
                    let neighbours = &adjacency.all[r][s];
                    if neighbours.is_empty() {
                        slot.x
                    } else {
                        let centres: f64 =
                            neighbours.iter().map(|&(nr, ns)| layers[nr][ns].x + layers[nr][ns].width / 2.0).sum();
                        centres / neighbours.len() as f64 - slot.width / 2.0
                    }
                })
                .collect();
            let k = o.len();
            let mut left = vec![0.0; k];
            for i in 0..k {
                left[i] = desired[i];
                if i > 0 {
                    let (a, b) = (&layers[r][o[i - 1]], &layers[r][o[i]]);
                    left[i] = left[i].max(left[i - 1] + a.width + gap(a, b));
                }
            }
            let mut right = vec![0.0; k];
            for i in (0..k).rev() {
                right[i] = desired[i];
                if i + 1 < k {
                    let (a, b) = (&layers[r][o[i]], &layers[r][o[i + 1]]);
                    right[i] = right[i].min(right[i + 1] - a.width - gap(a, b));
                }
            }
            for i in 0..k {
                layers[r][o[i]].x = (left[i] + right[i]) / 2.0;
            }
        }
    }
}

fn route_edges(
    chains: &[Chain],
    layers: &[Vec<Slot>],
    boxes: &[Rect],
    band_top: &[f64],
    band_bottom: &[f64],
) -> Vec<Option<Route>> {
    let centre = |(r, s): (usize, usize)| layers[r][s].x + layers[r][s].width / 2.0;
    // Ports: spread each box's edges over its bottom (down) and top (up)
    // sides, ordered by where the edge goes next.
    let mut bottom_ports: Vec<Vec<(f64, usize)>> = vec![Vec::new(); boxes.len()];
    let mut top_ports: Vec<Vec<(f64, usize)>> = vec![Vec::new(); boxes.len()];
    for (e, chain) in chains.iter().enumerate() {
        let Some((chain, _)) = chain else { continue };
        let (first, last) = (chain[0], chain[chain.len() - 1]);
        if let (Some(u), Some(l)) = (layers[first.0][first.1].node, layers[last.0][last.1].node) {
            bottom_ports[u].push((centre(chain[1]), e));
            top_ports[l].push((centre(chain[chain.len() - 2]), e));
        }
    }
    let spread = |ports: &mut Vec<(f64, usize)>, b: &Rect| -> Vec<(usize, f64)> {
        ports.sort_by(|a, c| a.0.total_cmp(&c.0).then(a.1.cmp(&c.1)));
        let n = ports.len() as f64;
        let inner = (b.width as f64 - 24.0).max(1.0);
        ports
            .iter()
            .enumerate()
            .map(|(k, &(_, e))| (e, b.x as f64 + 12.0 + inner * (k as f64 + 1.0) / (n + 1.0)))
            .collect()
    };
    let mut start_x = vec![0.0; chains.len()];
    let mut end_x = vec![0.0; chains.len()];
    for (i, b) in boxes.iter().enumerate() {
        for (e, x) in spread(&mut bottom_ports[i], b) {
            start_x[e] = x;
        }
        for (e, x) in spread(&mut top_ports[i], b) {
            end_x[e] = x;
        }
    }
    chains
        .iter()
        .enumerate()
        .map(|(e, chain)| {
            let (chain, reversed) = chain.as_ref()?;
            let upper = layers[chain[0].0][chain[0].1].node.map(|i| boxes[i])?;
            let mut pts: Vec<(f64, f64)> = Vec::new();
            pts.push((start_x[e], (upper.y + upper.height) as f64));
            pts.push((start_x[e], band_bottom[chain[0].0]));
            for &(r, s) in &chain[1..chain.len() - 1] {
                pts.push((centre((r, s)), band_top[r]));
                pts.push((centre((r, s)), band_bottom[r]));
            }
            let last = chain[chain.len() - 1];
            pts.push((end_x[e], band_top[last.0]));
            let points = pts.into_iter().map(|(x, y)| (x.round() as i64, y.round() as i64)).collect();
            Some(Route { points, reversed: *reversed })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The first implementation, kept as the reference: the fast functions
    // must give exactly its results (so every committed erd.svg stays).
    fn old_ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
        let mut rank = vec![0usize; n];
        for _ in 0..n {
            let mut changed = false;
            for &(p, c) in edges {
                if p != c && rank[c] < rank[p] + 1 && rank[p] + 1 < n.max(1) {
                    rank[c] = rank[p] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Pull parents down next to their children where that shortens edges:
        // a node with no parents sits one rank above its highest child.
        for _ in 0..n {
            let mut changed = false;
            for p in 0..n {
                let has_parent = edges.iter().any(|&(a, c)| c == p && a != p);
                if has_parent {
                    continue;
                }
                let lowest_child = edges.iter().filter(|&&(a, c)| a == p && c != p).map(|&(_, c)| rank[c]).min();
                if let Some(child_rank) = lowest_child
                    && child_rank > rank[p] + 1
                {
                    rank[p] = child_rank - 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        rank
    }

    fn old_crossings(order: &[Vec<usize>], segments: &[(usize, usize, usize)]) -> usize {
        let mut pos: Vec<Vec<usize>> = order.iter().map(|o| vec![0; o.len()]).collect();
        for (r, o) in order.iter().enumerate() {
            for (p, &s) in o.iter().enumerate() {
                pos[r][s] = p;
            }
        }
        let mut count = 0;
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                if a.0 != b.0 {
                    continue;
                }
                let (au, al) = (pos[a.0][a.1], pos[a.0 + 1][a.2]);
                let (bu, bl) = (pos[b.0][b.1], pos[b.0 + 1][b.2]);
                if (au < bu && al > bl) || (au > bu && al < bl) {
                    count += 1;
                }
            }
        }
        count
    }

    /// Barycenter sweeps; returns, per rank, slot ids in left-to-right order.
    fn old_order_layers(layers: &[Vec<Slot>], segments: &[(usize, usize, usize)]) -> Vec<Vec<usize>> {
        let mut order: Vec<Vec<usize>> = layers.iter().map(|l| (0..l.len()).collect()).collect();
        let mut best = order.clone();
        let mut best_crossings = old_crossings(&order, segments);
        for sweep in 0..12 {
            let down = sweep % 2 == 0;
            let ranks: Vec<usize> =
                if down { (1..layers.len()).collect() } else { (0..layers.len().saturating_sub(1)).rev().collect() };
            for r in ranks {
                let neighbour = if down { r - 1 } else { r + 1 };
                let mut npos = vec![0usize; layers[neighbour].len()];
                for (p, &s) in order[neighbour].iter().enumerate() {
                    npos[s] = p;
                }
                let mut keyed: Vec<(f64, usize, usize)> = order[r]
                    .iter()
                    .enumerate()
                    .map(|(p, &s)| {
                        let linked: Vec<f64> = segments
                            .iter()
                            .filter_map(|&(ur, us, ls)| {
                                if down && ur == neighbour && ls == s {
                                    Some(npos[us] as f64)
                                } else if !down && ur == r && us == s {
                                    Some(npos[ls] as f64)
                                } else {
                                    None
                                }
                            })
                            .collect();
                        let bary =
                            if linked.is_empty() { p as f64 } else { linked.iter().sum::<f64>() / linked.len() as f64 };
                        (bary, p, s)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                order[r] = keyed.into_iter().map(|(_, _, s)| s).collect();
            }
            let c = old_crossings(&order, segments);
            if c < best_crossings {
                best_crossings = c;
                best = order.clone();
            }
        }
        best
    }

    /// Pulls every slot toward the mean centre of its neighbours, keeping order
    /// and gaps.
    fn old_place_x(layers: &mut [Vec<Slot>], order: &[Vec<usize>], segments: &[(usize, usize, usize)]) {
        let gap = |a: &Slot, b: &Slot| if a.node.is_some() && b.node.is_some() { H_GAP } else { H_GAP / 3.0 };
        // Start packed.
        for (r, o) in order.iter().enumerate() {
            let mut x = 0.0;
            for (k, &s) in o.iter().enumerate() {
                if k > 0 {
                    x += gap(&layers[r][o[k - 1]], &layers[r][s]);
                }
                layers[r][s].x = x;
                x += layers[r][s].width;
            }
        }
        for round in 0..16 {
            let down = round % 2 == 0;
            let ranks: Vec<usize> = if down { (0..layers.len()).collect() } else { (0..layers.len()).rev().collect() };
            for r in ranks {
                let o = &order[r];
                let desired: Vec<f64> = o
                    .iter()
                    .map(|&s| {
                        let centres: Vec<f64> = segments
                            .iter()
                            .filter_map(|&(ur, us, ls)| {
                                if ur + 1 == r && ls == s {
                                    Some(layers[ur][us].x + layers[ur][us].width / 2.0)
                                } else if ur == r && us == s {
                                    Some(layers[r + 1][ls].x + layers[r + 1][ls].width / 2.0)
                                } else {
                                    None
                                }
                            })
                            .collect();
                        let slot = &layers[r][s];
                        if centres.is_empty() {
                            slot.x
                        } else {
                            centres.iter().sum::<f64>() / centres.len() as f64 - slot.width / 2.0
                        }
                    })
                    .collect();
                let k = o.len();
                let mut left = vec![0.0; k];
                for i in 0..k {
                    left[i] = desired[i];
                    if i > 0 {
                        let (a, b) = (&layers[r][o[i - 1]], &layers[r][o[i]]);
                        left[i] = left[i].max(left[i - 1] + a.width + gap(a, b));
                    }
                }
                let mut right = vec![0.0; k];
                for i in (0..k).rev() {
                    right[i] = desired[i];
                    if i + 1 < k {
                        let (a, b) = (&layers[r][o[i]], &layers[r][o[i + 1]]);
                        right[i] = right[i].min(right[i + 1] - a.width - gap(a, b));
                    }
                }
                for i in 0..k {
                    layers[r][o[i]].x = (left[i] + right[i]) / 2.0;
                }
            }
        }
    }

    /// A small deterministic generator.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// Random DAG edges (parent index < child index, then shuffled names).
    fn dag(rng: &mut Rng, n: usize) -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for child in 1..n {
            for _ in 0..rng.below(4) {
                edges.push((rng.below(child), child));
            }
            if rng.below(8) == 0 {
                edges.push((child, child));
            }
        }
        // Node numbers need not follow the order.
        let perm: Vec<usize> = {
            let mut p: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                p.swap(i, rng.below(i + 1));
            }
            p
        };
        edges.into_iter().map(|(a, b)| (perm[a], perm[b])).collect()
    }

    /// Random ranks of slots and segments between adjacent ranks.
    fn layered(rng: &mut Rng) -> (Vec<Vec<Slot>>, Vec<Segment>) {
        let ranks = 1 + rng.below(6);
        let layers: Vec<Vec<Slot>> = (0..ranks)
            .map(|_| {
                (0..1 + rng.below(7))
                    .map(|i| Slot {
                        node: (rng.below(3) > 0).then_some(i),
                        width: 14.0 + rng.below(200) as f64,
                        x: 0.0,
                    })
                    .collect()
            })
            .collect();
        let mut segments = Vec::new();
        for r in 0..ranks.saturating_sub(1) {
            for _ in 0..rng.below(12) {
                segments.push((r, rng.below(layers[r].len()), rng.below(layers[r + 1].len())));
            }
        }
        (layers, segments)
    }

    fn copy(layers: &[Vec<Slot>]) -> Vec<Vec<Slot>> {
        layers.iter().map(|l| l.iter().map(|s| Slot { node: s.node, width: s.width, x: s.x }).collect()).collect()
    }

    #[test]
    fn ranks_match_the_reference_on_dags() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let n = 1 + rng.below(40);
            let edges = dag(&mut rng, n);
            assert_eq!(ranks(n, &edges), old_ranks(n, &edges), "{edges:?}");
        }
    }

    #[test]
    fn ranks_of_a_cycle_are_total_and_small() {
        // a -> b -> c -> a, and d below c.
        let r = ranks(4, &[(0, 1), (1, 2), (2, 0), (2, 3)]);
        assert!(r.iter().all(|&x| x < 4), "{r:?}");
        assert!(
            r[1] > r[0] && r[2] > r[1] && r[3] > r[2],
            "the back edge is turned, the rest keeps its direction: {r:?}"
        );
    }

    #[test]
    fn crossings_ordering_and_placement_match_the_reference() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..300 {
            let (layers, segments) = layered(&mut rng);
            let mut order: Vec<Vec<usize>> = layers.iter().map(|l| (0..l.len()).collect()).collect();
            for o in &mut order {
                for i in (1..o.len()).rev() {
                    o.swap(i, rng.below(i + 1));
                }
            }
            assert_eq!(crossings(&order, &segments), old_crossings(&order, &segments));
            let fast = order_layers(&layers, &segments);
            assert_eq!(fast, old_order_layers(&layers, &segments));
            let (mut a, mut b) = (copy(&layers), copy(&layers));
            place_x(&mut a, &fast, &segments);
            old_place_x(&mut b, &fast, &segments);
            let xs = |l: &[Vec<Slot>]| l.iter().flatten().map(|s| s.x.to_bits()).collect::<Vec<_>>();
            assert_eq!(xs(&a), xs(&b), "bit for bit");
        }
    }
}
