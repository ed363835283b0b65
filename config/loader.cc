#include "config/loader.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "config/manifest_builder.h"
#include "config/yaml_tree.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using Files = std::vector<std::pair<std::string, std::string>>;

bool IsManifestName(const fs::path& p) {
  auto ext = p.extension();
  return ext == ".yaml" || ext == ".yml";
}

bool IsHidden(const fs::path& p) {
  auto name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Appends the manifest files under `dir` (recursively, hidden entries skipped).
void ListDirectory(const std::string& dir, std::vector<std::string>& out,
                   std::vector<Diagnostic>& diags) {
  std::error_code ec;
  size_t before = out.size();
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (IsHidden(p)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && IsManifestName(p)) out.push_back(p.string());
  }
  if (ec) {
    diags.push_back({SourceMark{dir, 1, 1}, "cannot read directory: " + ec.message()});
  } else if (out.size() == before) {
    diags.push_back({SourceMark{dir, 1, 1}, "no *.yaml or *.yml files in directory"});
  }
}

std::optional<std::string> ReadFile(const std::string& path, std::vector<Diagnostic>& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back({SourceMark{path, 1, 1}, std::string("cannot read file: ") + std::strerror(errno)});
    return std::nullopt;
  }
  // One buffer of the file's size (a stream's doubling buffer would copy it and hold
  // up to twice as much), filled from a small one: resize() would first write zeros
  // over all of it.
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    text.reserve(static_cast<std::size_t>(size));
    char chunk[1 << 15];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad() || size < 0) {  // not seekable (a pipe): read it as a stream
    in.clear();
    in.seekg(0, std::ios::beg);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return std::move(buffer).str();
  }
  return text;
}

// SHA-256 over each file's path, a NUL, its size in decimal, a NUL and its bytes.
std::string Digest(const Files& files) {
  Sha256 digest;
  for (const auto& [name, text] : files) {
    digest.Update(name + '\0' + std::to_string(text.size()) + '\0');
    digest.Update(text);
  }
  return digest.Hex();
}

void SortDiagnostics(std::vector<Diagnostic>& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.mark.file, a.mark.line, a.mark.column) <
           std::tie(b.mark.file, b.mark.line, b.mark.column);
  });
}

// REQUIRES: files sorted by name, names unique.
LoadResult Load(Files files, std::vector<Diagnostic> diags) {
  LoadResult result;
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.first);
  std::string digest = Digest(files);
  ManifestBuilder builder(diags);
  for (auto& [name, text] : files) {
    auto tree = ParseYaml(name, text, diags, builder.Users(text.size()));
    text = std::string();  // the tree holds what is needed
    if (tree) builder.Add(std::move(*tree));
  }
  try {
    result.manifest = builder.Build(std::move(names), std::move(digest));
  } catch (const std::exception& e) {  // bad_alloc and the like: never across the layer
    diags.push_back({SourceMark{files.empty() ? "(none)" : files.front().first, 1, 1},
                     std::string("internal error while loading: ") + e.what()});
  }
  if (!diags.empty()) result.manifest.reset();
  SortDiagnostics(diags);
  result.diagnostics = std::move(diags);
  return result;
}

}  // namespace

LoadResult LoadManifest(const std::vector<std::string>& paths) {
  std::vector<Diagnostic> diags;
  if (paths.empty()) diags.push_back({SourceMark{"(none)", 1, 1}, "no manifest files given"});
  std::vector<std::string> found;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) ListDirectory(path, found, diags);
    else found.push_back(path);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  Files files;
  for (const auto& path : found)
    if (auto text = ReadFile(path, diags)) files.emplace_back(path, std::move(*text));
  return Load(std::move(files), std::move(diags));
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void Sha256::Update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }

std::string Sha256::Hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx_.get(), md, &size);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 digest;
  digest.Update(bytes);
  return digest.Hex();
}

LoadResult LoadManifestFromStrings(const std::vector<std::pair<std::string, std::string>>& files) {
  Files sorted = files;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Diagnostic> diags;
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].first == sorted[i - 1].first)
      diags.push_back({SourceMark{sorted[i].first, 1, 1}, "file given twice"});
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               sorted.end());
  if (sorted.empty()) diags.push_back({SourceMark{"(none)", 1, 1}, "no manifest files given"});
  return Load(std::move(sorted), std::move(diags));
}

}  // namespace idsync
