# cmake -DIN=<file> -DOUT=<file.cc> -P embed_descriptor_set.cmake
# Writes pharmacrm::v1::DescriptorSetBytes() returning the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){32})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT}.tmp
  "// Generated from the descriptor set by proto/embed_descriptor_set.cmake.\n"
  "#include \"pharmacrm/v1/descriptor_set.h\"\n"
  "namespace pharmacrm::v1 {\n"
  "namespace {\n"
  "const char kBytes[] = {\n${bytes}0};\n"
  "}  // namespace\n"
  "std::string_view DescriptorSetBytes() { return std::string_view(kBytes, ${size}); }\n"
  "}  // namespace pharmacrm::v1\n")
file(RENAME ${OUT}.tmp ${OUT})
