{
  "meta": { "id": "lu_stream", "title": "Xen live update stream (benchmark peer)", "endian": "le" },
  "doc": "Kaitai Struct description of the live update stream, written in YAML's JSON subset so the benchmark can load it without a YAML library.",
  "seq": [
    { "id": "records", "type": "record", "repeat": "until", "repeat-until": "_.type == 0" }
  ],
  "types": {
    "record": {
      "seq": [
        { "id": "type", "type": "u4" },
        { "id": "body_length", "type": "u4" },
        {
          "id": "body",
          "size": "body_length",
          "type": {
            "switch-on": "type",
            "cases": {
              "0x40000001": "m2p",
              "0x40000002": "m2p",
              "0x40000003": "domain_info",
              "0x0a": "hvm_params",
              "0x09": "hvm_context",
              "0x40000004": "domain_pages"
            }
          }
        },
        { "id": "padding", "size": "(8 - body_length % 8) % 8" }
      ]
    },
    "m2p": {
      "seq": [
        { "id": "pages", "type": "u8", "repeat": "eos" }
      ]
    },
    "domain_info": {
      "seq": [
        { "id": "type", "type": "u4" },
        { "id": "page_shift", "type": "u2" },
        { "id": "domain_id", "type": "u2" },
        { "id": "handle", "size": 16 },
        { "id": "ssidref", "type": "u4" },
        { "id": "flags", "type": "u4" },
        { "id": "max_vcpus", "type": "u4" },
        { "id": "emulation_flags", "type": "u4" },
        { "id": "extra_flags", "type": "u4" },
        { "id": "pad", "size": 4 }
      ]
    },
    "hvm_params": {
      "seq": [
        { "id": "count", "type": "u4" },
        { "id": "reserved", "type": "u4" },
        { "id": "entries", "type": "hvm_param", "repeat": "expr", "repeat-expr": "count" }
      ]
    },
    "hvm_param": {
      "seq": [
        { "id": "index", "type": "u8" },
        { "id": "value", "type": "u8" }
      ]
    },
    "domain_pages": {
      "seq": [
        { "id": "count", "type": "u4" },
        { "id": "reserved", "type": "u4" },
        { "id": "mfns", "type": "u8", "repeat": "expr", "repeat-expr": "count" }
      ]
    },
    "hvm_context": {
      "seq": [
        { "id": "records", "type": "save_record", "repeat": "until", "repeat-until": "_.typecode == 0" }
      ]
    },
    "save_record": {
      "seq": [
        { "id": "typecode", "type": "u2" },
        { "id": "instance", "type": "u2" },
        { "id": "length", "type": "u4" },
        { "id": "body", "size": "length" }
      ]
    }
  }
}
