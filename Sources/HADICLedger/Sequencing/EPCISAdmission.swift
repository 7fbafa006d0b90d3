import HADICCore
import HADICEPCIS

extension Admission {
    /// The admission rules with the EPCIS event hash check (`epcis-hash`): what the sequencer,
    /// a replica following blocks and `hadic verify --full` / `hadic audit` run, so an imported
    /// event whose stated hash is not the hash of the EPCIS event it keeps is refused at
    /// admission and named by every later replay. (HADICCore cannot hash EPCIS events.)
    public static func withEPCIS(ledgerID: String) -> Admission {
        Admission(ledgerID: ledgerID, epcisHash: KeptEPCISEvent.hashURI)
    }
}
