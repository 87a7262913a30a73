// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace argus {

/// How many malloc arenas argus asks glibc for: one per core, at least two.
/// glibc's default is eight per core, and a thread that finds its arena
/// busy moves to a new one: argus's many short-lived and detached threads
/// (a decoder per clip, a detector per camera, CAF's and Beast's workers)
/// then spread frees over up to sixteen arenas on two cores, whose
/// fragments RSS keeps. Measured on the black-box campaign (2 cores): RSS
/// grew 59-102 MB with the default (three runs), still 5-25 MB a round at
/// the end; with two arenas 39-56 MB (six runs), 1-7 MB a round at the end
/// (docs/robustness.md).
int malloc_arena_limit(unsigned cores);

/// Applies malloc_arena_limit once at start-up, before any thread starts,
/// unless MALLOC_ARENA_MAX is set in the environment (the operator's
/// choice wins). Returns the limit applied, or 0 when none was.
int limit_malloc_arenas();

} // namespace argus
