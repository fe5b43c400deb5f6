{
  "targets": [
    {
      "target_name": "cfa_native",
      "sources": ["native/cfa_native.cc", "native/cpu_allocator.cc", "native/collectives.cc", "native/conv2d.cc", "native/sort.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"process.env.CFA_TORCH_INCLUDES || ''\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "<!@(node -p \"process.env.CFA_TORCH_DEFINES || ''\")"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations", "<!@(node -p \"process.env.CFA_OPENMP || ''\")"],
      "libraries": [
        "-L<!(node -p \"process.env.CFA_TORCH_LIBDIR || '/usr/lib'\")",
        "-Wl,-rpath,<!(node -p \"process.env.CFA_TORCH_LIBDIR || '/usr/lib'\")",
        "-Wl,--no-as-needed",
        "<!@(node -p \"process.env.CFA_TORCH_LIBS || '-ltorch -ltorch_cpu -lc10'\")",
        "-Wl,--as-needed",
        "<!@(node -p \"process.env.CFA_OPENMP || ''\")"
      ]
    }
  ]
}
