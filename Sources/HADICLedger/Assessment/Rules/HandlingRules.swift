import HADICCore

/// R-LOGISTICS (and handlers under R-CERT-VALID), R-SEGREGATION, R-SERTU: how the goods were
/// moved, stored and packed.
extension RuleRun {
    // MARK: R-LOGISTICS and handlers (R-CERT-VALID)

    mutating func checkHandling() throws {
        var shipments = 0
        var seenShips = Set<UInt64>(), seenHandling = Set<UInt64>()
        for lot in closure.upstreamLots {
            for (ship, via) in lot.shipments where seenShips.insert(ship.leafIndex).inserted {
                shipments += 1
                let carrier = ship.carrier ?? ship.actor
                let cov = evidence.carrierCoverage(of: ship, scope: scope, market: market, remember: remember)
                var carried: String { via.map { "\(lot.id) (in \($0))" } ?? "\(lot.id)" }  // only failures say it
                if case .covered(let c) = cov {
                    relied(.logistics, on: c)
                    relied(.issuer, on: c)
                    continue
                }
                if market.certifiedLogistics {
                    let why: String
                    switch cov {
                    case .unrecognised(let c): why = "its certificate \(c.issue.number) is from \(c.issuer), not recognised by \(code)"
                    case .inactive(let c, let st): why = "its certificate \(c.issue.number) was \(st.rawValue)"
                    default: why = "it holds no halal logistics certificate"
                    }
                    with(.logistics) {
                        $0.fail("shipment \(ship.event.id.short) of \(carried) at \(ship.time) by carrier \(carrier): \(why), and \(code) requires certified logistics",
                                lot: lot.id.rawValue, event: ship.eventHex)
                    }
                } else if ship.segregated != true {
                    with(.logistics) {
                        $0.fail("shipment \(ship.event.id.short) of \(carried) by uncertified carrier \(carrier) declares no dedicated, segregated transport",
                                lot: lot.id.rawValue, event: ship.eventHex)
                    }
                }
            }
            // Storing and packing: the handler works under a halal assurance system.
            var handling = lot.rows(.received)
            if !lot.rows(.packed).isEmpty || !lot.carriers.isEmpty {  // most lots are never packed
                handling += lot.rows(.packed)
                for (carrier, window) in lot.carriers {
                    handling += closure.rows(of: carrier, .received).filter { window.contains($0.leafIndex) }
                }
            }
            for e in handling where seenHandling.insert(e.leafIndex).inserted {
                var work: String { e.role == .packed ? "packing" : "storing" }
                let (cov, warehouse) = try evidence.handlerCoverage(of: e, scope: scope, market: market, remember: remember)
                switch cov {
                case .covered(let c):
                    relied(warehouse ? .logistics : .certificateValid, on: c)
                    relied(.issuer, on: c)
                case .unrecognised(let c):
                    with(.issuer) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.event.id.short)) relies on certificate \(c.issue.number) from \(c.issuer), which \(code) does not recognise at \(e.time)",
                                lot: lot.id.rawValue, event: e.eventHex)
                    }
                case .inactive(let c, let st):
                    with(warehouse ? .logistics : .certificateValid) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.event.id.short)): its certificate \(c.issue.number) was \(st.rawValue) at \(e.time)",
                                lot: lot.id.rawValue, event: e.eventHex)
                    }
                case .none:
                    with(warehouse ? .logistics : .certificateValid) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.event.id.short)) held no " + (warehouse && market.certifiedLogistics ? "halal warehousing " : "")
                                + "certificate at \(e.time)", lot: lot.id.rawValue, event: e.eventHex)
                    }
                }
            }
        }
        with(.logistics) { $0.note = "\(shipments) shipments" + (market.certifiedLogistics ? " by certified carriers (\(code) requires it)" : " certified or declared segregated") }
        with(.certificateValid) { $0.note = "producer and handlers certified at each step's time" }
        with(.issuer) { $0.note = "every certificate relied on is recognised by \(code) (\(market.name)) at its time" }
    }

    // MARK: R-SEGREGATION

    mutating func checkSegregation() throws {
        let goods = try evidence.nonHalalGoods(classes: policy.nonHalal)
        var checks = 0
        for lot in closure.upstreamLots {
            // Most ledgers record few non-halal goods: look up only the kinds of place that held some.
            for (container, _) in lot.carriers {
                checks += 1
                guard !goods.containers.isEmpty else { continue }
                for mark in goods.containers[container] ?? [] where mark.time <= closure.time {
                    with(.segregation) {
                        $0.fail("\(lot.id) shared container \(container) with non-halal lot \(mark.lot) (event \(mark.event.short))",
                                lot: lot.id.rawValue, event: mark.event.hex)
                    }
                }
            }
            for (ship, _) in lot.shipments {
                checks += 1
                if !goods.shipments.isEmpty, goods.shipments.contains(ship.event.id) {
                    with(.segregation) {
                        $0.fail("shipment \(ship.event.id.short) carried \(lot.id) together with non-halal goods", lot: lot.id.rawValue, event: ship.eventHex)
                    }
                }
                guard let vehicle = ship.place, !goods.vehicles.isEmpty else { continue }
                let arrived = closure.receipt(of: ship)?.time ?? closure.time
                // The two trips overlap: the vehicle held both at once.
                for trip in goods.vehicles[vehicle] ?? [] where trip.ship != ship.event.id && trip.start <= closure.time
                    && trip.start <= arrived && ship.time <= (trip.end ?? closure.time) {
                    with(.segregation) {
                        $0.fail("vehicle \(vehicle) carried non-halal lot \(trip.lot) (shipment \(trip.ship.short), \(trip.start)) while it carried \(lot.id) (shipment \(ship.event.id.short))",
                                lot: lot.id.rawValue, event: ship.eventHex)
                    }
                }
            }
            for receive in lot.rows(.received) {
                guard let place = receive.place else { continue }
                checks += 1
                guard !goods.storage.isEmpty else { continue }
                for mark in goods.storage[place] ?? [] where mark.time <= closure.time {
                    with(.segregation) {
                        $0.fail("storage place \(place), where \(receive.actor) kept \(lot.id) (event \(receive.event.id.short)), also received non-halal lot \(mark.lot) (event \(mark.event.short)); zone it under its own storage id",
                                lot: lot.id.rawValue, event: receive.eventHex)
                    }
                }
            }
        }
        with(.segregation) { $0.note = "\(checks) containers, shipments and storage places free of non-halal goods (classes: \(policy.nonHalal.sorted().joined(separator: ", ")))" }
    }

    // MARK: R-SERTU

    mutating func checkSertu() throws {
        let severe = try evidence.nonHalalGoods(classes: policy.severeNajis)
        // Only assets with a recorded najis contact can need a sertu: only their uses are kept
        // (in the order met), the others counted.
        var uses: [(asset: String, e: LotLink, lot: LotID)] = []
        var useCount = 0
        let contacts = !evidence.assets.isEmpty || !severe.vehicles.isEmpty
        func met(_ asset: String, _ e: LotLink, _ lot: ClosureLot) {
            useCount += 1
            if contacts, evidence.assets[asset] != nil || severe.vehicles[asset] != nil { uses.append((asset, e, lot.id)) }
        }
        // Each event uses one asset (a shipment its vehicle, a making its facility).
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            for (ship, _) in lot.shipments {
                if let v = ship.place, seen.insert(ship.leafIndex).inserted { met(v, ship, lot) }
            }
            if let o = origin(lot), let f = facility(o), seen.insert(o.leafIndex).inserted { met(f, o, lot) }
        }
        for use in uses {
            var contacts: [(time: Timestamp, event: EventID, what: String)] = []
            for a in evidence.assets[use.asset] ?? [] {
                if case .najis(let l) = a.kind, a.time <= use.e.time { contacts.append((a.time, a.event, "najis incident on \(l)")) }
            }
            // The vehicle is in contact until the goods are unloaded (or still, if they are not).
            for trip in severe.vehicles[use.asset] ?? [] where trip.start <= use.e.time && trip.ship != use.e.event.id {
                contacts.append((min(trip.end ?? use.e.time, use.e.time), trip.ship, "carried \(trip.lot)"))
            }
            guard let last = contacts.max(by: { $0.time < $1.time }) else { continue }
            let sertu = (evidence.assets[use.asset] ?? []).first { a in
                guard case .cleanse(let c) = a.kind, c.method == .sertu, last.time < a.time, a.time <= use.e.time else { return false }
                return (c.washes ?? 0) >= 7 && c.clay == true && c.supervisor != nil
            }
            if let sertu {
                with(.sertu) { $0.used(event: sertu.event.hex) }
            } else {
                with(.sertu) {
                    $0.fail("\(use.asset) touched severe najis (\(last.what), event \(last.event.short), \(last.time)) and has no sertu (7 washes, one with clay, supervised) before its use for \(use.lot) in event \(use.e.event.id.short) at \(use.e.time)",
                            lot: use.lot.rawValue, event: use.e.eventHex)
                }
            }
        }
        with(.sertu) { $0.note = "\(useCount) uses of vehicles and facilities checked for najis contact" }
    }

}
