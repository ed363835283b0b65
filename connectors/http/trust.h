// What a lane trusts (SPEC §2 `tls: { ca_file }`: extra trust, never a replacement).
// libcurl's CURLOPT_CAINFO *replaces* the system bundle, so a lane with a ca_file gives
// libcurl one PEM blob instead (CURLOPT_CAINFO_BLOB): the system bundle followed by
// the ca_file, while libcurl's system CA directory (CAPATH) stays in use. A libcurl
// that cannot take a blob fails the request naming the file; it never trusts less.
//
// Thread-safety: TrustBundle may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace idsync {

// The system bundle at `system_bundle` ("" or unreadable: none; libcurl's
// CURLINFO_CAINFO in production) followed by `ca_file`, read once per pair of paths
// for the process. FailedPrecondition "TLS CA file <ca_file> could not be used: <why>"
// when `ca_file` cannot be read or holds no PEM certificate.
StatusOr<std::shared_ptr<const std::string>> TrustBundle(const std::string& system_bundle,
                                                         const std::string& ca_file);

}  // namespace idsync
