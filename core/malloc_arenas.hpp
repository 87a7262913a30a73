// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace argus {

/// How many malloc arenas argus asks glibc for: one per core, at least two.
/// glibc gives each thread an arena on its first malloc, a new one while
/// there are fewer than eight per core. argus has many threads (a decoder
/// and a reader per clip, a detector per camera, CAF's and Beast's
/// workers), so its allocations spread over up to sixteen arenas on two
/// cores, whose free fragments RSS keeps. Measured: docs/robustness.md.
int malloc_arena_limit(unsigned cores);

/// Applies malloc_arena_limit once at start-up, before any thread starts,
/// unless MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES,
/// is set in the environment (the operator's choice wins). Returns the limit
/// applied, or 0 when none was.
int limit_malloc_arenas();

} // namespace argus
