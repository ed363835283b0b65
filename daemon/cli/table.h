// Plain text tables for `history` and `status`: columns padded to their widest cell.
#pragma once

#include <string>
#include <vector>

namespace idsync {

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// Unix seconds as "2026-11-29T10:45:23Z"; "-" for 0.
std::string FormatTime(long long unix_seconds);

}  // namespace idsync
