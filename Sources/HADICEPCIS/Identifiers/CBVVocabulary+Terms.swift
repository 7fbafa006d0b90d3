/// The bare words of each CBV 2.0 vocabulary, as the EPCIS 2.0 JSON-LD context
/// (`https://ref.gs1.org/standards/epcis/epcis-context.jsonld`) defines them: only these words
/// expand to a vocabulary URI; any other value must be a URI of its own.
extension CBVVocabulary {
    /// The bare words of this vocabulary.
    public var terms: Set<String> {
        switch self {
        case .bizStep: return Self.bizStepTerms
        case .disposition: return Self.dispositionTerms
        case .bizTransactionType: return Self.bizTransactionTypeTerms
        case .sourceDestType: return Self.sourceDestTypeTerms
        case .errorReason: return Self.errorReasonTerms
        case .sensorMeasurementType: return Self.sensorMeasurementTypeTerms
        case .sensorException: return Self.sensorExceptionTerms
        case .sensorComponent: return Self.sensorComponentTerms
        }
    }

    private static let bizStepTerms: Set<String> = [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
        "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying", "disassembling",
        "dispensing", "encoding", "entering_exiting", "holding", "inspecting", "installing", "killing", "loading",
        "other", "packing", "picking", "receiving", "removing", "repackaging", "repairing", "replacing", "reserving",
        "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking",
        "storing", "transporting", "unloading", "unpacking", "void_shipping",
    ]

    private static let dispositionTerms: Set<String> = [
        "active", "available", "completeness_inferred", "completeness_verified", "conformant", "container_closed",
        "container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress",
        "in_transit", "inactive", "mismatch_class", "mismatch_instance", "mismatch_quantity", "needs_replacement",
        "no_pedigree_match", "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
        "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen", "unavailable",
        "unknown",
    ]

    private static let bizTransactionTypeTerms: Set<String> = [
        "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres",
        "upevt",
    ]

    private static let sourceDestTypeTerms: Set<String> = [
        "location", "owning_party", "possessing_party",
    ]

    private static let errorReasonTerms: Set<String> = [
        "did_not_occur", "incorrect_data",
    ]

    private static let sensorMeasurementTypeTerms: Set<String> = [
        "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Altitude", "AmountOfSubstance",
        "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum", "AngularVelocity",
        "Area", "Capacitance", "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent",
        "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent", "ElectricCurrentDensity",
        "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency", "Illuminance", "Inductance",
        "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance", "LuminousFlux",
        "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass",
        "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
        "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity", "Radioactivity",
        "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity",
        "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction",
        "VolumetricFlux", "Wavenumber",
    ]

    private static let sensorExceptionTerms: Set<String> = [
        "ALARM_CONDITION", "ERROR_CONDITION",
    ]

    private static let sensorComponentTerms: Set<String> = [
        "altitude", "axial_distance", "azimuth", "easting", "elevation_angle", "height", "latitude", "longitude",
        "northing", "polar_angle", "spherical_radius", "x", "y", "z",
    ]
}
