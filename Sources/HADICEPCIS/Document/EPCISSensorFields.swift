/// The standard members of sensor data (EPCIS 2.0 7.3.8), in the order the event hash writes
/// them (CBV 2.0 section 8.9); any other member of a sensor metadata or report is an extension.
enum EPCISSensorFields {
    static let metadata = ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                           "dataProcessingMethod", "bizRules"]
    static let report = ["type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                         "time", "microorganism", "chemicalSubstance", "value", "component", "stringValue",
                         "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue",
                         "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem"]
}
