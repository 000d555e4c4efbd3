#include "store/h5_attributes.hpp"

#include <algorithm>

namespace finseg::h5 {

namespace {

std::string attr_what(const char* verb, const char* name) { return std::string(verb) + " attribute '" + name + "'"; }

// A fixed-length, NUL-terminated string type for texts of up to `longest` bytes (h5dump then
// prints "INCOME", not "INCOME\000\000...").
Datatype fixed_string_type(std::size_t longest, const Context& ctx) {
  Datatype type = make<Datatype>(H5Tcopy(H5T_C_S1), ctx, "copying the string type");
  check(H5Tset_size(type.get(), longest + 1), ctx, "setting a string size");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), ctx, "setting string padding");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), ctx, "setting the string character set");
  return type;
}

void write_attribute(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, hid_t space, const void* data,
                     const Context& ctx) {
  Attribute attr = make<Attribute>(H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), ctx,
                                   attr_what("creating", name));
  if (data) check(H5Awrite(attr.get(), mem_type, data), ctx, attr_what("writing", name));
  attr.close(ctx);
}

Attribute open_attribute(hid_t loc, const char* name, const Context& ctx) {
  return make<Attribute>(H5Aopen(loc, name, H5P_DEFAULT), ctx, attr_what("opening", name));
}

// Checks that the attribute is a scalar (or one-element) integer of the expected size/sign.
void expect_integer(const Attribute& attr, const char* name, std::size_t size, H5T_sign_t sign, const Context& ctx) {
  Datatype type = make<Datatype>(H5Aget_type(attr.get()), ctx, attr_what("reading the type of", name));
  Dataspace space = make<Dataspace>(H5Aget_space(attr.get()), ctx, attr_what("reading the shape of", name));
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != size || H5Tget_sign(type.get()) != sign ||
      H5Sget_simple_extent_npoints(space.get()) != 1)
    fail(ctx, "attribute '" + std::string(name) + "' has an unexpected type or shape");
}

}  // namespace

void write_uint64_attribute(hid_t loc, const char* name, std::uint64_t value, const Context& ctx) {
  Dataspace space = make<Dataspace>(H5Screate(H5S_SCALAR), ctx, "creating a scalar dataspace");
  write_attribute(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space.get(), &value, ctx);
}

void write_int32_attribute(hid_t loc, const char* name, std::int32_t value, const Context& ctx) {
  Dataspace space = make<Dataspace>(H5Screate(H5S_SCALAR), ctx, "creating a scalar dataspace");
  write_attribute(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, space.get(), &value, ctx);
}

void write_string_attribute(hid_t loc, const char* name, const std::string& value, const Context& ctx) {
  Datatype type = fixed_string_type(value.size(), ctx);
  Dataspace space = make<Dataspace>(H5Screate(H5S_SCALAR), ctx, "creating a scalar dataspace");
  std::string padded = value;
  padded.push_back('\0');
  write_attribute(loc, name, type.get(), type.get(), space.get(), padded.data(), ctx);
}

void write_strings_attribute(hid_t loc, const char* name, const std::vector<std::string>& values, const Context& ctx) {
  std::size_t longest = 0;
  for (const auto& v : values) longest = std::max(longest, v.size());
  Datatype type = fixed_string_type(longest, ctx);
  const std::size_t width = longest + 1;
  const hsize_t dims[1] = {values.size()};
  Dataspace space = make<Dataspace>(H5Screate_simple(1, dims, nullptr), ctx, "creating a dataspace");
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), buffer.begin() + static_cast<std::ptrdiff_t>(i * width));
  write_attribute(loc, name, type.get(), type.get(), space.get(), values.empty() ? nullptr : buffer.data(), ctx);
}

std::uint64_t read_uint64_attribute(hid_t loc, const char* name, const Context& ctx) {
  Attribute attr = open_attribute(loc, name, ctx);
  expect_integer(attr, name, 8, H5T_SGN_NONE, ctx);
  std::uint64_t value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &value), ctx, attr_what("reading", name));
  return value;
}

std::int32_t read_int32_attribute(hid_t loc, const char* name, const Context& ctx) {
  Attribute attr = open_attribute(loc, name, ctx);
  expect_integer(attr, name, 4, H5T_SGN_2, ctx);
  std::int32_t value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT32, &value), ctx, attr_what("reading", name));
  return value;
}

bool has_attribute(hid_t loc, const char* name, const Context& ctx) {
  const htri_t exists = H5Aexists(loc, name);
  check(exists, ctx, attr_what("looking for", name));
  return exists > 0;
}

std::vector<std::string> read_strings_attribute(hid_t loc, const char* name, const Context& ctx) {
  Attribute attr = open_attribute(loc, name, ctx);
  Datatype type = make<Datatype>(H5Aget_type(attr.get()), ctx, attr_what("reading the type of", name));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) != 0)
    fail(ctx, "attribute '" + std::string(name) + "' is not a fixed-length string");
  Dataspace space = make<Dataspace>(H5Aget_space(attr.get()), ctx, attr_what("reading the shape of", name));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  const std::size_t width = H5Tget_size(type.get());
  if (n < 0 || width == 0) fail(ctx, attr_what("reading the shape of", name));
  std::vector<std::string> values;
  if (n == 0) return values;
  std::string buffer(static_cast<std::size_t>(n) * width, '\0');
  check(H5Aread(attr.get(), type.get(), buffer.data()), ctx, attr_what("reading", name));
  values.reserve(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    std::string v = buffer.substr(i * width, width);
    v.erase(std::find(v.begin(), v.end(), '\0'), v.end());
    values.push_back(std::move(v));
  }
  return values;
}

std::string read_string_attribute(hid_t loc, const char* name, const Context& ctx) {
  auto values = read_strings_attribute(loc, name, ctx);
  if (values.size() != 1) fail(ctx, "attribute '" + std::string(name) + "' is not a single string");
  return values.front();
}

}  // namespace finseg::h5
