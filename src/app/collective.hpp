// Moved: on_every_rank and CollectiveError live in parallel/on_every_rank.hpp (the distribution
// layer, under every command). This header only keeps old includes building.
#pragma once

#include "parallel/on_every_rank.hpp"
